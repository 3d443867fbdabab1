package io.jamesdmarc.model.aggregate;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything of an aggregate report but its records, which are streamed one at a time
 * (see {@link AggregateReportHandler}): reports of 200,000 records exist.
 *
 * @param format RFC 9990 when the report declares its namespace or uses elements only RFC 9990 has
 * @param version {@code <version>} as written ({@code 0}, {@code 1.0}, {@code 2.0} are all seen)
 * @param extensions top-level {@code <extension>} elements, each as raw XML text
 */
public record AggregateReport(ReportFormat format,
                              Optional<String> version,
                              ReportMetadata metadata,
                              PolicyPublished policyPublished,
                              List<String> extensions) {
    public AggregateReport {
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(metadata, "metadata");
        Objects.requireNonNull(policyPublished, "policyPublished");
        extensions = List.copyOf(extensions);
    }
}
