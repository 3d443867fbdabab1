package io.jamesdmarc.model.aggregate;

import java.util.List;
import java.util.Objects;

/**
 * What reading one aggregate report produced besides its records.
 *
 * @param report the header, including extensions found anywhere in the document
 * @param records number of {@code <record>} elements
 * @param countSum sum of their {@code <count>}
 * @param dmarcPassCount sum of counts whose policy_evaluated dkim or spf is pass
 * @param warnings what the reader tolerated (unknown values, defaults applied, a charset fallback...),
 *                 each saying where, e.g. {@code "record 3: unknown spf result 'hardfail'"}
 */
public record AggregateReadSummary(AggregateReport report,
                                   long records,
                                   long countSum,
                                   long dmarcPassCount,
                                   List<String> warnings) {
    public AggregateReadSummary {
        Objects.requireNonNull(report, "report");
        warnings = List.copyOf(warnings);
    }
}
