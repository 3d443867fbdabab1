package io.jamesdmarc.model.outbound;

import java.util.Objects;
import java.util.Optional;

/**
 * Who sends the aggregate reports, as the reports and their mails say it.
 *
 * @param receiverDomain this server's domain: the first field of the report's file name and the
 *     Subject's Submitter
 * @param orgName {@code report_metadata/org_name}
 * @param fromName the display name of the mail's From
 * @param fromAddress the mail's From and envelope sender, and {@code report_metadata/email}
 * @param subject what the Subject starts with, before the RFC 9990 {@code Report Domain: ... Submitter: ... Report-ID: ...}
 * @param contactInfo {@code report_metadata/extra_contact_info}
 * @param generator RFC 9990 {@code report_metadata/generator}
 */
public record ReporterIdentity(String receiverDomain,
                               String orgName,
                               String fromName,
                               String fromAddress,
                               String subject,
                               Optional<String> contactInfo,
                               String generator) {
    public static final String DEFAULT_FROM_NAME = "Report Subsystem";
    public static final String DEFAULT_SUBJECT = "DMARC Aggregate Report";
    public static final String DEFAULT_FROM_LOCAL_PART = "noreply-dmarc";
    public static final String GENERATOR = "james-dmarc";

    public ReporterIdentity {
        Objects.requireNonNull(receiverDomain, "receiverDomain");
        Objects.requireNonNull(orgName, "orgName");
        Objects.requireNonNull(fromName, "fromName");
        Objects.requireNonNull(fromAddress, "fromAddress");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(contactInfo, "contactInfo");
        Objects.requireNonNull(generator, "generator");
        if (receiverDomain.isBlank() || receiverDomain.contains("!")) {
            throw new IllegalArgumentException("receiver domain must be a domain name: '" + receiverDomain + "'");
        }
    }

    /** The defaults for a server whose domain is {@code domain}. */
    public static ReporterIdentity defaults(String domain) {
        return new ReporterIdentity(domain, domain, DEFAULT_FROM_NAME, DEFAULT_FROM_LOCAL_PART + "@" + domain, DEFAULT_SUBJECT,
            Optional.empty(), GENERATOR);
    }
}
