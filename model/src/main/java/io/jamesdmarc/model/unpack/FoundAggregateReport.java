package io.jamesdmarc.model.unpack;

import java.util.ArrayList;
import java.util.List;

import com.google.common.io.ByteSource;

import io.jamesdmarc.model.ReportParseException;
import io.jamesdmarc.model.aggregate.AggregateReadSummary;
import io.jamesdmarc.model.aggregate.AggregateReportHandler;
import io.jamesdmarc.model.aggregate.AggregateReportReader;
import io.jamesdmarc.model.aggregate.AggregateReportSource;

/** An aggregate report found by the extractor: readable once, while the sink handles it. */
final class FoundAggregateReport implements AggregateReportSource {

    private final ByteSource xml;
    private final String location;
    private final AggregateReportReader reader;
    private final ContainerNotes notes;
    private boolean read;
    private boolean handedBack;
    private ReportParseException failure;

    FoundAggregateReport(ByteSource xml, String location, AggregateReportReader reader, ContainerNotes notes) {
        this.xml = xml;
        this.location = location;
        this.reader = reader;
        this.notes = notes;
    }

    @Override
    public String location() {
        return location;
    }

    @Override
    public <X extends Exception> AggregateReadSummary read(AggregateReportHandler<X> handler) throws ReportParseException, X {
        if (handedBack) {
            throw new IllegalStateException(location + ": a found report can only be read while the sink handles it");
        }
        if (read) {
            throw new IllegalStateException(location + ": the report was already read");
        }
        read = true;
        try {
            AggregateReadSummary summary = reader.read(xml, handler);
            List<String> repaired = notes.about(location);
            if (repaired.isEmpty()) {
                return summary;
            }
            // what the containers tolerated belongs with what the reader tolerated
            List<String> warnings = new ArrayList<>(repaired);
            warnings.addAll(summary.warnings());
            return new AggregateReadSummary(summary.report(), summary.records(), summary.countSum(), summary.dmarcPassCount(), warnings);
        } catch (ReportParseException e) {
            // a limit or a corrupt container met while streaming: report that, not what the XML parser made of it
            failure = ContainerIOException.find(e).orElse(e);
            throw failure;
        }
    }

    /** Ends the sink's turn; the report's reading problem, if reading failed. */
    ReportParseException handBack() {
        handedBack = true;
        return failure;
    }
}
