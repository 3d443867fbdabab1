package io.jamesdmarc.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.common.net.InetAddresses;

import io.jamesdmarc.cli.inputs.Input;
import io.jamesdmarc.cli.inputs.InputFile;
import io.jamesdmarc.cli.inputs.InputFinder;
import io.jamesdmarc.cli.inputs.IoProblems;
import io.jamesdmarc.model.ReportParseException;
import io.jamesdmarc.model.aggregate.AggregateReadSummary;
import io.jamesdmarc.model.aggregate.AggregateReport;
import io.jamesdmarc.model.aggregate.AggregateReportHandler;
import io.jamesdmarc.model.aggregate.AggregateReportSource;
import io.jamesdmarc.model.aggregate.ReportRecord;
import io.jamesdmarc.model.failure.FailureReport;
import io.jamesdmarc.model.unpack.ExtractionResult;
import io.jamesdmarc.model.unpack.ReportExtractor;
import io.jamesdmarc.model.unpack.ReportSink;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code dmarc parse PATH...}: reads DMARC reports from files, folders, mbox files and Maildir
 * folders and prints what each holds as one JSON object per line, touching no database.
 */
@Command(name = "parse",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    usageHelpAutoWidth = true,
    description = {
        "Reads the DMARC reports in files, folders (recursively), mbox files and Maildir folders, and prints one JSON "
            + "object per line. Touches no database.",
        "",
        "Any file a reporter sends is understood: XML, gzip, zip, zlib, e-mails (.eml, and mail saved as .txt) with the "
            + "report attached at any depth; the content decides, never the name. An mbox file (detected by its 'From ' "
            + "lines) or a Maildir folder gives one entry per message, \"file\" then naming the mbox and the message number "
            + "(inbox.mbox#3) or the Maildir file.",
        "",
        "Each aggregate (rua) report found:",
        "  {\"file\", \"kind\":\"aggregate\", \"org_name\", \"report_id\", \"policy_domain\", \"begin\", \"end\", \"records\", "
            + "\"count_sum\", \"dmarc_pass_count\"}",
        "  begin and end in seconds since 1970 (UTC); records: number of <record>; count_sum: sum of their <count>; "
            + "dmarc_pass_count: sum of the counts whose policy_evaluated dkim or spf is pass. A file holding several "
            + "reports gives several lines.",
        "Each failure (ruf) report found:",
        "  {\"file\", \"kind\":\"failure\", \"feedback_type\", \"auth_failure\", \"source_ip\", \"reported_domain\", "
            + "\"original_mail_from\", \"arrival_date\"}",
        "  source_ip is the address alone; arrival_date as written; a field the report lacks is null.",
        "An input with no report in it, or a part that claims to hold one but cannot be read (beside reports found):",
        "  {\"file\", \"kind\":\"error\", \"problem\", \"location\"?, \"error\"}",
        "  problem: EMPTY_INPUT, MALFORMED_XML, NOT_A_REPORT, CORRUPT_CONTAINER, NO_REPORT_FOUND, LIMIT_EXCEEDED or "
            + "UNREADABLE_FILE; error says what and where; location names the part (only beside reports found).",
        "",
        "Non-ASCII characters are written as \\uXXXX escapes, so the output is plain ASCII whatever the terminal.",
        ""},
    exitCodeListHeading = "%nExit status:%n",
    exitCodeList = {
        "0:every input held a report and every part claiming one was read",
        "1:some input held no report, or some part could not be read (see the error lines)",
        "2:invalid command line"})
public final class ParseCommand implements Callable<Integer> {

    /** The problem of an input that could not even be opened (missing, unreadable): no parse was tried. */
    static final String UNREADABLE_FILE = "UNREADABLE_FILE";

    private static final JsonMapper JSON = JsonMapper.builder().enable(JsonWriteFeature.ESCAPE_NON_ASCII).build();

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "PATH", description = "Files, folders, mbox files or Maildir folders.")
    List<Path> paths;

    @Mixin
    ParseLimitOptions limits;

    @Override
    public Integer call() {
        ReportExtractor extractor = new ReportExtractor(limits.limits(spec.commandLine()));
        PrintWriter out = spec.commandLine().getOut();
        boolean allRead = true;
        for (InputFile file : InputFinder.find(paths)) {
            List<Input> inputs;
            try {
                inputs = file.open();
            } catch (IOException e) {
                print(out, errorLine(file.name(), UNREADABLE_FILE, Optional.empty(), "cannot read " + file.name() + ": "
                    + IoProblems.describe(e)));
                allRead = false;
                continue;
            }
            for (Input input : inputs) {
                allRead &= parse(extractor, input, out);
            }
        }
        out.flush();
        return allRead ? 0 : 1;
    }

    /** Prints a line per report of the input, and per part that could not be read; whether all was read. */
    private static boolean parse(ReportExtractor extractor, Input input, PrintWriter out) {
        Lines sink = new Lines(input.name(), out);
        try {
            ExtractionResult result = extractor.extract(input.content(), input.displayName(), sink);
            for (ExtractionResult.UnreadablePart part : result.unreadable()) {
                print(out, errorLine(input.name(), part.problem().problem().name(), Optional.of(part.location()), part.problem().getMessage()));
            }
            return result.unreadable().isEmpty();
        } catch (ReportParseException e) {
            print(out, errorLine(input.name(), e.problem().name(), Optional.empty(), e.getMessage()));
            return false;
        }
    }

    /** Prints each report as it is found. */
    private static final class Lines implements ReportSink<RuntimeException> {
        private final String file;
        private final PrintWriter out;

        Lines(String file, PrintWriter out) {
            this.file = file;
            this.out = out;
        }

        @Override
        public void aggregate(AggregateReportSource report) throws ReportParseException {
            AggregateReadSummary summary = report.read(RECORDS_IGNORED);
            print(out, aggregateLine(file, summary));
        }

        @Override
        public void failure(FailureReport report, String location) {
            print(out, failureLine(file, report));
        }
    }

    /** Counting is the reader's: the records themselves are not needed here. */
    private static final AggregateReportHandler<RuntimeException> RECORDS_IGNORED = new AggregateReportHandler<>() {
        @Override
        public void header(AggregateReport report) {
        }

        @Override
        public void record(ReportRecord record) {
        }
    };

    static ObjectNode aggregateLine(String file, AggregateReadSummary summary) {
        var metadata = summary.report().metadata();
        ObjectNode line = JSON.createObjectNode();
        line.put("file", file);
        line.put("kind", "aggregate");
        line.put("org_name", metadata.orgName());
        line.put("report_id", metadata.reportId());
        line.put("policy_domain", summary.report().policyPublished().domain());
        line.put("begin", metadata.dateRange().begin().getEpochSecond());
        line.put("end", metadata.dateRange().end().getEpochSecond());
        line.put("records", summary.records());
        line.put("count_sum", summary.countSum());
        line.put("dmarc_pass_count", summary.dmarcPassCount());
        return line;
    }

    static ObjectNode failureLine(String file, FailureReport report) {
        ObjectNode line = JSON.createObjectNode();
        line.put("file", file);
        line.put("kind", "failure");
        line.put("feedback_type", report.feedbackType().orElse(null));
        line.put("auth_failure", report.authFailure().orElse(null));
        // the address alone ("192.0.2.1 (mail.example.net)" is 192.0.2.1); a value that is no address as written
        line.put("source_ip", report.sourceIp().map(InetAddresses::toAddrString).or(report::sourceIpText).orElse(null));
        line.put("reported_domain", report.reportedDomain().orElse(null));
        line.put("original_mail_from", report.originalMailFrom().orElse(null));
        line.put("arrival_date", report.arrivalDate().orElse(null));
        return line;
    }

    static ObjectNode errorLine(String file, String problem, Optional<String> location, String message) {
        ObjectNode line = JSON.createObjectNode();
        line.put("file", file);
        line.put("kind", "error");
        line.put("problem", problem);
        location.ifPresent(where -> line.put("location", where));
        line.put("error", message);
        return line;
    }

    private static void print(PrintWriter out, ObjectNode line) {
        try {
            out.println(JSON.writeValueAsString(line));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a tree of strings and numbers always serialises", e);
        }
    }
}
