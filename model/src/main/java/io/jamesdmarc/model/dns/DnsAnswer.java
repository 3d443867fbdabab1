package io.jamesdmarc.model.dns;

import java.util.List;
import java.util.Objects;

/**
 * The answer to one DNS question.
 *
 * @param name the name asked, lower case, without the trailing dot
 * @param type the record type asked
 * @param status what the DNS said
 * @param records the records of the type asked, in answer order: a TXT record is its
 *     character-strings joined with nothing between them (RFC 9989 section 4.5), other types
 *     their presentation form; empty unless {@code status} is {@link DnsStatus#FOUND}
 * @param detail what happened, for logs and reports (the failing server, the rcode)
 */
public record DnsAnswer(String name, RecordType type, DnsStatus status, List<String> records, String detail) {
    public DnsAnswer {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(status, "status");
        records = List.copyOf(records);
        Objects.requireNonNull(detail, "detail");
    }

    public boolean isTemporaryFailure() {
        return status == DnsStatus.TEMPFAIL;
    }

    /** Whether the name exists: any answer but NXDOMAIN (RFC 9989 appendix A.4). Meaningless on TEMPFAIL. */
    public boolean nameExists() {
        return status == DnsStatus.FOUND || status == DnsStatus.NO_DATA;
    }
}
