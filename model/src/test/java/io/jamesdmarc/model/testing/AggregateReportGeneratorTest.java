package io.jamesdmarc.model.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.List;

import javax.xml.XMLConstants;
import javax.xml.transform.stream.StreamSource;
import javax.xml.validation.Schema;
import javax.xml.validation.Validator;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import com.google.common.io.ByteSource;

import io.jamesdmarc.model.aggregate.AggregateReportReader;
import io.jamesdmarc.model.aggregate.ParsedAggregateReport;
import io.jamesdmarc.model.aggregate.ReportFormat;
import io.jamesdmarc.model.aggregate.ReportRecord;
import io.jamesdmarc.model.vocabulary.SpfScope;

class AggregateReportGeneratorTest {

    @ParameterizedTest
    @EnumSource(ReportFormat.class)
    void generatesValidVariedReportsThatReadBackAsGenerated(ReportFormat format) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new AggregateReportGenerator(42, format).writeReport(out, 2_000);

        Corpus.find().ifPresent(corpus -> validate(format == ReportFormat.RFC9990
            ? AggregateSchemas.rfc9990(corpus) : AggregateSchemas.rfc7489Repaired(corpus), out.toByteArray()));
        ParsedAggregateReport parsed = AggregateReportReader.withDefaultLimits().readAll(ByteSource.wrap(out.toByteArray()));

        assertThat(parsed.report().format()).isEqualTo(format);
        assertThat(parsed.records()).hasSize(2_000);
        assertThat(parsed.summary().warnings()).isEmpty();
        List<ReportRecord> records = parsed.records();
        assertThat(records).anySatisfy(record -> assertThat(record.sourceIp().address().orElseThrow().getAddress()).hasSize(16));
        assertThat(records).anySatisfy(record -> assertThat(record.sourceIp().address().orElseThrow().getAddress()).hasSize(4));
        assertThat(records).anySatisfy(record -> assertThat(record.dkim()).hasSizeGreaterThan(1));
        assertThat(records).anySatisfy(record -> assertThat(record.dkim()).anySatisfy(dkim -> assertThat(dkim.humanResult()).isPresent()));
        assertThat(records).anySatisfy(record -> assertThat(record.policyEvaluated().reasons()).isNotEmpty());
        assertThat(records).anySatisfy(record -> assertThat(record.count()).isGreaterThan(200));
        if (format == ReportFormat.RFC7489) {
            assertThat(records).anySatisfy(record -> assertThat(record.spf())
                .extracting(spf -> spf.scope().orElseThrow().known()).containsExactly(SpfScope.HELO, SpfScope.MFROM));
        }
        assertThat(parsed.summary().dmarcPassCount()).isBetween(1L, parsed.summary().countSum() - 1);
    }

    @ParameterizedTest
    @EnumSource(ReportFormat.class)
    void theSameSeedGivesTheSameReport(ReportFormat format) throws Exception {
        assertThat(write(format, 7)).isEqualTo(write(format, 7)).isNotEqualTo(write(format, 8));
    }

    private static byte[] write(ReportFormat format, long seed) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new AggregateReportGenerator(seed, format).writeReport(out, 50);
        return out.toByteArray();
    }

    private static void validate(Schema schema, byte[] xml) {
        try {
            Validator validator = schema.newValidator();
            validator.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
            validator.setProperty(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
            validator.validate(new StreamSource(new ByteArrayInputStream(xml)));
        } catch (Exception e) {
            throw new AssertionError("generated report does not validate: " + e.getMessage(), e);
        }
    }
}
