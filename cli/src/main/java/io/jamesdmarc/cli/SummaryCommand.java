package io.jamesdmarc.cli;

import java.io.PrintWriter;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.jamesdmarc.storage.reporting.DomainSummary;
import io.jamesdmarc.storage.reporting.ReportFilter;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code dmarc summary}: per policy domain, the dashboard figures of the stored aggregate reports
 * ({@code domain_summary} of queries.sql), as a table or JSON lines.
 */
@Command(name = "summary",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    usageHelpAutoWidth = true,
    description = {
        "Per policy domain, what the stored aggregate reports say: reports, sending sources (distinct IPs), messages, "
            + "DMARC pass and fail rates (by messages: pass means the aligned DKIM or SPF result was pass), and the policy "
            + "receivers applied (messages delivered with no action - none, RFC 9990's pass included -, quarantined, "
            + "rejected). One row per domain, busiest first.",
        "",
        "A report counts in the period its time range begins in (reporters send one report per domain and UTC day). "
            + "--json prints one JSON object per domain and line: {\"domain\", \"reports\", \"sources\", \"messages\", "
            + "\"pass_rate\", \"fail_rate\", \"none\", \"quarantine\", \"reject\"} (rates in percent, 2 decimals, null "
            + "when a domain has no messages).",
        ""},
    exitCodeListHeading = "%nExit status:%n",
    exitCodeList = {
        "0:done (also when no report matches)",
        "2:invalid command line",
        "3:the database cannot be reached or started"})
public final class SummaryCommand implements Callable<Integer> {

    private static final JsonMapper JSON = JsonMapper.builder().enable(JsonWriteFeature.ESCAPE_NON_ASCII).build();

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--domain", paramLabel = "DOMAIN", description = "Only this policy domain (any case, a final dot ignored).")
    String domain;

    @Option(names = "--since", paramLabel = "DATE", converter = Since.class,
        description = "Only reports from this day on (UTC), e.g. 2026-05-01; or from this instant, e.g. 2026-05-01T12:00:00Z. Inclusive.")
    Instant since;

    @Option(names = "--until", paramLabel = "DATE", converter = Until.class,
        description = "Only reports up to this day, inclusive: --until 2026-05-31 takes in the whole of 31 May (UTC). "
            + "An instant (2026-06-01T00:00:00Z) is exclusive: reports beginning before it.")
    Instant until;

    @Option(names = "--json", description = "One JSON object per domain and line instead of a table.")
    boolean json;

    @Mixin
    DatabaseOptions database;

    @Override
    public Integer call() throws Exception {
        ReportFilter filter;
        try {
            filter = ReportFilter.ALL.withDomain(domain).withSince(since).withUntil(until);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--since must be before --until: " + e.getMessage(), e);
        }
        List<DomainSummary> summaries;
        try (DatabaseOptions.DatabaseHandle handle = database.open(2)) {
            summaries = handle.database().reportingQueries().domainSummaries(filter);
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            for (DomainSummary summary : summaries) {
                out.println(json(summary));
            }
        } else if (summaries.isEmpty()) {
            out.println("No aggregate reports" + (filter.domain().map(d -> " for " + d).orElse("")) + (since == null && until == null ? ""
                : " in that period") + ".");
        } else {
            out.print(table(summaries));
        }
        out.flush();
        return 0;
    }

    static String json(DomainSummary summary) {
        ObjectNode line = JSON.createObjectNode();
        line.put("domain", summary.domain());
        line.put("reports", summary.reports());
        line.put("sources", summary.sources());
        line.put("messages", summary.messages());
        line.put("pass_rate", rate(summary.passMessages(), summary.messages()));
        line.put("fail_rate", rate(summary.failMessages(), summary.messages()));
        line.put("none", summary.none());
        line.put("quarantine", summary.quarantine());
        line.put("reject", summary.reject());
        try {
            return JSON.writeValueAsString(line);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a tree of strings and numbers always serialises", e);
        }
    }

    /** Percent with 2 decimals, as queries.sql rounds it; null without messages (no rate to speak of). */
    static BigDecimal rate(long part, long whole) {
        return whole == 0 ? null : BigDecimal.valueOf(100 * part).divide(BigDecimal.valueOf(whole), 2, RoundingMode.HALF_UP);
    }

    /** A plain text table: the domain left-aligned, figures right-aligned, thousands separated. */
    static String table(List<DomainSummary> summaries) {
        String[] header = {"domain", "reports", "sources", "messages", "pass rate", "fail rate", "none", "quarantine", "reject"};
        List<String[]> rows = new ArrayList<>();
        rows.add(header);
        for (DomainSummary s : summaries) {
            rows.add(new String[] {s.domain(), number(s.reports()), number(s.sources()), number(s.messages()),
                percent(s.passMessages(), s.messages()), percent(s.failMessages(), s.messages()), number(s.none()), number(s.quarantine()),
                number(s.reject())});
        }
        int[] widths = new int[header.length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        StringBuilder table = new StringBuilder();
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.length; i++) {
                String cell = row[i];
                String padding = " ".repeat(widths[i] - cell.length());
                line.append(i == 0 ? cell + padding : "  " + padding + cell);
            }
            table.append(line.toString().stripTrailing()).append(System.lineSeparator());
        }
        return table.toString();
    }

    private static String number(long value) {
        return String.format(Locale.ROOT, "%,d", value);
    }

    private static String percent(long part, long whole) {
        BigDecimal rate = rate(part, whole);
        return rate == null ? "-" : rate.toPlainString() + "%";
    }

    /** A day (UTC) or an instant; the day of {@code --since} begins at midnight UTC. */
    static Instant parse(String value, boolean endOfDay) {
        String text = value.strip();
        try {
            LocalDate day = LocalDate.parse(text);
            return (endOfDay ? day.plusDays(1) : day).atStartOfDay(ZoneOffset.UTC).toInstant();
        } catch (DateTimeParseException notADay) {
            // an instant, next
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException notAnInstant) {
            // with an offset, next
        }
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException notWithOffset) {
            // a local date-time, taken as UTC, last
        }
        try {
            return LocalDateTime.parse(text).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            throw new CommandLine.TypeConversionException("'" + value + "' is neither a date (2026-05-01) nor an instant "
                + "(2026-05-01T12:00:00Z, 2026-05-01T14:00:00+02:00; without an offset: UTC)");
        }
    }

    /** {@code --since}: a day from its start. */
    static final class Since implements CommandLine.ITypeConverter<Instant> {
        @Override
        public Instant convert(String value) {
            return parse(value, false);
        }
    }

    /** {@code --until}: a day up to its end (the next day's start, exclusive). */
    static final class Until implements CommandLine.ITypeConverter<Instant> {
        @Override
        public Instant convert(String value) {
            return parse(value, true);
        }
    }
}
