package io.jamesdmarc.model.aggregate;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Who sent an aggregate report, and which one it is.
 *
 * @param orgName reporting organisation; may be empty (some reporters send {@code <org_name/>})
 * @param email the reporter's contact address; may be empty
 * @param reportId as written, angle brackets and {@code @host} parts included: stripping them makes different ids collide
 * @param errors {@code <error>} elements, in order
 * @param generator RFC 9990 {@code <generator>}
 */
public record ReportMetadata(String orgName,
                             String email,
                             Optional<String> extraContactInfo,
                             String reportId,
                             DateRange dateRange,
                             List<String> errors,
                             Optional<String> generator) {
    public ReportMetadata {
        Objects.requireNonNull(orgName, "orgName");
        Objects.requireNonNull(email, "email");
        Objects.requireNonNull(extraContactInfo, "extraContactInfo");
        Objects.requireNonNull(reportId, "reportId");
        Objects.requireNonNull(dateRange, "dateRange");
        errors = List.copyOf(errors);
        Objects.requireNonNull(generator, "generator");
    }
}
