package io.jamesdmarc.storage.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.jamesdmarc.model.aggregate.ReportRecord;
import io.jamesdmarc.model.vocabulary.Disposition;
import io.jamesdmarc.model.vocabulary.PolicyResult;
import io.jamesdmarc.storage.testing.ReportFixtures;
import io.jamesdmarc.storage.testing.SqlProbe;
import io.jamesdmarc.storage.testing.TestDatabase;
import io.jamesdmarc.storage.testing.TestReportSource;

/** aggregate_records.source_ip sorts and filters IPv4 and IPv6 in one column, numerically. */
class SourceIpColumnTest {

    @RegisterExtension
    static final TestDatabase DB = new TestDatabase();

    private static final List<String> ADDRESSES = List.of("10.0.0.1", "9.9.9.9", "192.0.2.200", "192.0.2.3", "192.0.3.1",
        "2001:db8::1", "2001:db8:0:1::5", "::1", "2001:db9::1", "1.2.3.4");
    private static SqlProbe sql;

    @BeforeAll
    static void storeOneRecordPerAddress() throws Exception {
        ReportStore store = DB.database().reportStore();
        ReceivedMessageRef message = store.recordMessage(ReceivedMessage.mail("ips", Instant.now()).build());
        List<ReportRecord> records = new ArrayList<>();
        for (String address : ADDRESSES) {
            records.add(ReportFixtures.record(address, 1, Disposition.NONE, PolicyResult.PASS, PolicyResult.PASS, "example.com"));
        }
        records.add(ReportFixtures.record("not-an-address", 1, Disposition.NONE, PolicyResult.FAIL, PolicyResult.FAIL, "example.com"));
        store.storeAggregate(message, TestReportSource.of(ReportFixtures.header("org", "a@org", "ips", "example.com",
            Instant.parse("2026-05-01T00:00:00Z"), Instant.parse("2026-05-02T00:00:00Z")), records));
        sql = new SqlProbe(DB.dataSource());
    }

    @Test
    void sortsNumericallyAsOneAddressSpace() throws SQLException {
        // IPv4 sits at ::ffff:0:0/96: after ::1, before every global IPv6 address
        assertThat(sql.strings("SELECT source_ip_text FROM aggregate_records WHERE source_ip IS NOT NULL ORDER BY source_ip"))
            .containsExactly("::1", "1.2.3.4", "9.9.9.9", "10.0.0.1", "192.0.2.3", "192.0.2.200", "192.0.3.1",
                "2001:db8::1", "2001:db8:0:1::5", "2001:db9::1");
    }

    @Test
    void filtersAnIpv4NetworkWithoutCatchingIpv6() throws SQLException {
        assertThat(sql.strings("SELECT source_ip_text FROM aggregate_records "
            + "WHERE source_ip BETWEEN '::ffff:192.0.2.0' AND '::ffff:192.0.2.255' ORDER BY source_ip"))
            .containsExactly("192.0.2.3", "192.0.2.200");
    }

    @Test
    void filtersAnIpv6Prefix() throws SQLException {
        assertThat(sql.strings("SELECT source_ip_text FROM aggregate_records "
            + "WHERE source_ip BETWEEN '2001:db8::' AND '2001:db8:ffff:ffff:ffff:ffff:ffff:ffff' ORDER BY source_ip"))
            .containsExactly("2001:db8::1", "2001:db8:0:1::5");
    }

    @Test
    void findsOneAddressByEitherColumn() throws SQLException {
        assertThat(sql.count("aggregate_records WHERE source_ip = '::ffff:9.9.9.9'")).isEqualTo(1);
        assertThat(sql.count("aggregate_records WHERE source_ip_text = '9.9.9.9'")).isEqualTo(1);
    }

    @Test
    void keepsAValueThatIsNoAddressAsWritten() throws SQLException {
        assertThat(sql.strings("SELECT source_ip_text FROM aggregate_records WHERE source_ip IS NULL")).containsExactly("not-an-address");
    }
}
