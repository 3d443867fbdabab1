package io.jamesdmarc.cli;

import static io.jamesdmarc.cli.Fixtures.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import io.jamesdmarc.cli.Fixtures.Attachment;
import io.jamesdmarc.cli.Fixtures.Row;
import io.jamesdmarc.model.Limit;

/** {@code dmarc parse} on fixtures of our own: mbox, Maildir, several reports in a file, unreadable parts, limits, help. */
class ParseCommandTest {

    @TempDir
    Path dir;

    private static final List<Row> THREE_ROWS = List.of(new Row("192.0.2.1", 10, true, false), new Row("192.0.2.2", 5, false, false),
        new Row("2001:db8::7", 2, false, true));

    private static String report(String id) {
        return Fixtures.aggregate("Reporter Inc", id, "example.com", 1717200000, 1717286399, THREE_ROWS);
    }

    @Test
    void anMboxGivesALinePerReportOfEachMessageNamedByItsNumber() throws Exception {
        String withReport = Fixtures.mail("<r1@reporter.example>", "Report Domain: example.com",
            "From the team: here is your report.\n>From a quoted line", new Attachment("application/gzip", "r1.xml.gz", Fixtures.gzip(bytes(report("r1")))));
        String failure = Fixtures.failureMail("<f1@reporter.example>", "example.com", "203.0.113.9 (mail.forger.example)",
            "Mon, 03 Jun 2024 09:58:00 +0000");
        String noReport = "From: someone@example.org\nSubject: hello\n\nNo report here.\n";
        Path mbox = Files.writeString(dir.resolve("dmarc.mbox"), Fixtures.mbox(List.of(withReport, failure, noReport)));

        DmarcRun run = DmarcRun.of("parse", mbox.toString());

        List<JsonNode> lines = run.jsonLines();
        assertThat(lines).extracting(line -> line.get("file").asText() + " " + line.get("kind").asText())
            .containsExactly(mbox + "#1 aggregate", mbox + "#2 failure", mbox + "#3 error");
        assertThat(lines.get(0).get("report_id").asText()).isEqualTo("r1");
        assertThat(lines.get(0).get("records").asLong()).isEqualTo(3);
        assertThat(lines.get(0).get("count_sum").asLong()).isEqualTo(17);
        assertThat(lines.get(0).get("dmarc_pass_count").asLong()).isEqualTo(12);
        assertThat(lines.get(1).get("source_ip").asText()).isEqualTo("203.0.113.9");
        assertThat(lines.get(1).get("reported_domain").asText()).isEqualTo("example.com");
        assertThat(lines.get(2).get("problem").asText()).isEqualTo("NO_REPORT_FOUND");
        assertThat(lines.get(2).get("error").asText()).contains("dmarc.mbox#3");
        assertThat(run.status()).isEqualTo(1);
    }

    @Test
    void anMboxMessageIsReadWithItsFromQuotingUndone() throws Exception {
        // a report sent as plain text in the body: a line "From ..." inside it is quoted in the mbox and must come back as it was
        String xml = report("quoted").replace("<org_name>Reporter Inc</org_name>", "<org_name>Reporter Inc</org_name>\n<extra_contact_info>\nFrom the desk of DMARC</extra_contact_info>");
        String message = "From: r@reporter.example\nSubject: report\nContent-Type: text/xml\n\n" + xml;
        Path mbox = Files.writeString(dir.resolve("quoted.mbox"), Fixtures.mbox(List.of(message, message.replace("quoted", "quoted-2"))));
        assertThat(Files.readString(mbox)).contains("\n>From the desk");

        DmarcRun run = DmarcRun.of("parse", mbox.toString());

        assertThat(run.status()).as(run.toString()).isZero();
        assertThat(run.jsonLines()).extracting(line -> line.get("report_id").asText()).containsExactly("quoted", "quoted-2");
    }

    @Test
    void aMaildirGivesItsMessagesOfCurAndNewButNotTmp() throws Exception {
        Path maildir = dir.resolve("Maildir");
        for (String folder : List.of("cur", "new", "tmp", ".Reports/cur", ".Reports/new", ".Reports/tmp")) {
            Files.createDirectories(maildir.resolve(folder));
        }
        Files.writeString(maildir.resolve("cur/1717400000.M1P1.host:2,S"), reportMail("cur-1"));
        Files.writeString(maildir.resolve("new/1717400001.M2P1.host"), reportMail("new-1"));
        Files.writeString(maildir.resolve("tmp/1717400002.M3P1.host"), "half a message being deliv");
        Files.writeString(maildir.resolve(".Reports/cur/1717400003.M4P1.host:2,"), reportMail("sub-1"));
        Files.writeString(maildir.resolve("dovecot-uidlist"), "3 V1717400000 N4\n");
        Files.writeString(maildir.resolve("maildirfolder"), "");

        DmarcRun run = DmarcRun.of("parse", maildir.toString());

        assertThat(run.status()).as(run.toString()).isZero();
        assertThat(run.jsonLines()).extracting(line -> line.get("file").asText() + " " + line.get("report_id").asText())
            .containsExactly(
                maildir.resolve("cur/1717400000.M1P1.host:2,S") + " cur-1",
                maildir.resolve("new/1717400001.M2P1.host") + " new-1",
                maildir.resolve(".Reports/cur/1717400003.M4P1.host:2,") + " sub-1");
    }

    @Test
    void aFolderIsWalkedRecursivelyInNameOrderSkippingHiddenFiles() throws Exception {
        Files.createDirectories(dir.resolve("b/c"));
        Files.write(dir.resolve("b/c/z.xml"), bytes(report("z")));
        Files.write(dir.resolve("a.xml.gz"), Fixtures.gzip(bytes(report("a"))));
        Files.writeString(dir.resolve(".DS_Store"), "junk");

        DmarcRun run = DmarcRun.of("parse", dir.toString());

        assertThat(run.status()).as(run.toString()).isZero();
        assertThat(run.jsonLines()).extracting(line -> line.get("report_id").asText()).containsExactly("a", "z");
    }

    @Test
    void aFileHoldingSeveralReportsGivesSeveralLines() throws Exception {
        Map<String, byte[]> members = new LinkedHashMap<>();
        members.put("one.xml", bytes(report("one")));
        members.put("two.xml", bytes(report("two")));
        Path zip = Files.write(dir.resolve("both.zip"), Fixtures.zip(members));

        DmarcRun run = DmarcRun.of("parse", zip.toString());

        assertThat(run.status()).isZero();
        assertThat(run.jsonLines()).extracting(line -> line.get("file").asText() + " " + line.get("report_id").asText())
            .containsExactly(zip + " one", zip + " two");
    }

    @Test
    void aPartThatCannotBeReadBesideAReportIsAnErrorLineWithItsLocation() throws Exception {
        Path mail = Files.writeString(dir.resolve("mixed.eml"), Fixtures.mailWithAGoodAndADamagedReport(report("good"), report("broken")));

        DmarcRun run = DmarcRun.of("parse", mail.toString());

        assertThat(run.status()).isEqualTo(1);
        List<JsonNode> lines = run.jsonLines();
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0).get("report_id").asText()).isEqualTo("good");
        JsonNode error = lines.get(1);
        assertThat(error.get("kind").asText()).isEqualTo("error");
        assertThat(error.get("location").asText()).contains("part 3", "bad.xml.gz", "gzip");
        assertThat(error.get("problem").asText()).isIn("CORRUPT_CONTAINER", "MALFORMED_XML");
    }

    @Test
    void aMissingPathIsAnErrorAndTheOthersAreStillRead() throws Exception {
        Path good = Files.write(dir.resolve("good.xml"), bytes(report("good")));
        Path missing = dir.resolve("missing.xml");

        DmarcRun run = DmarcRun.of("parse", missing.toString(), good.toString());

        assertThat(run.status()).isEqualTo(1);
        assertThat(run.jsonLines()).hasSize(2);
        JsonNode error = run.jsonLines().get(0);
        assertThat(error.get("file").asText()).isEqualTo(missing.toString());
        assertThat(error.get("problem").asText()).isEqualTo("UNREADABLE_FILE");
        assertThat(error.get("error").asText()).contains("missing.xml", "no such file");
        assertThat(run.jsonLines().get(1).get("report_id").asText()).isEqualTo("good");
    }

    @Test
    void limitsAreOptionsAndABreachNamesTheLimit() throws Exception {
        Path file = Files.write(dir.resolve("three.xml.gz"), Fixtures.gzip(bytes(report("three"))));

        assertThat(DmarcRun.of("parse", "--max-records", "3", file.toString()).status()).isZero();
        DmarcRun tooMany = DmarcRun.of("parse", "--max-records", "2", file.toString());
        assertThat(tooMany.status()).isEqualTo(1);
        assertThat(tooMany.jsonLines().get(0).get("problem").asText()).isEqualTo("LIMIT_EXCEEDED");
        assertThat(tooMany.jsonLines().get(0).get("error").asText()).contains("maxRecords=2");

        DmarcRun tooBig = DmarcRun.of("parse", "--max-decompressed-bytes", "1K", file.toString());
        assertThat(tooBig.status()).isEqualTo(1);
        assertThat(tooBig.jsonLines().get(0).get("error").asText()).contains("maxDecompressedBytes=1024");
    }

    @Test
    void anInvalidLimitIsAnInvalidCommandLineNamingTheOption() throws Exception {
        Path file = Files.write(dir.resolve("r.xml"), bytes(report("r")));

        DmarcRun zero = DmarcRun.of("parse", "--max-records", "0", file.toString());
        assertThat(zero.status()).isEqualTo(2);
        assertThat(zero.err()).contains("--max-records must be positive");
        DmarcRun notASize = DmarcRun.of("parse", "--max-decompressed-bytes", "lots", file.toString());
        assertThat(notASize.status()).isEqualTo(2);
        assertThat(notASize.err()).contains("'lots' is not a size");
        assertThat(zero.out()).isEmpty();
    }

    @Test
    void helpExplainsTheOutputAndShowsEveryLimitWithItsDefault() {
        DmarcRun help = DmarcRun.of("parse", "--help");

        assertThat(help.status()).isZero();
        String text = help.out().replaceAll("\\s+", " ");
        assertThat(text).contains("\"kind\":\"aggregate\"", "\"dmarc_pass_count\"", "\"kind\":\"failure\"", "\"kind\":\"error\"",
            "mbox", "Maildir", "Exit status", "Default: 512M", "Default: 1000000");
        for (Limit limit : Limit.values()) {
            assertThat(text).contains(ParseLimitOptions.optionName(limit) + "=");
        }
    }

    @Test
    void nonAsciiTextComesOutEscapedAndReadsBackTheSame() throws Exception {
        String xml = Fixtures.aggregate("Société Générale Mail", "é-1", "exemple.fr", 1717200000, 1717286399, THREE_ROWS);
        Path file = Files.write(dir.resolve("fr.xml"), bytes(xml));

        DmarcRun run = DmarcRun.of("parse", file.toString());

        assertThat(run.out()).doesNotContain("é").contains("\\u00E9");
        assertThat(run.jsonLines().get(0).get("org_name").asText()).isEqualTo("Société Générale Mail");
    }

    private static String reportMail(String id) {
        return Fixtures.mail("<" + id + "@reporter.example>", "Report " + id, "report attached",
            new Attachment("application/gzip", id + ".xml.gz", Fixtures.gzip(bytes(report(id)))));
    }
}
