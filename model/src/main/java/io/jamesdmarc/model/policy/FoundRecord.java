package io.jamesdmarc.model.policy;

import java.util.Objects;

/** A DMARC Policy Record and the domain it was found for ({@code _dmarc.<domain>}). */
public record FoundRecord(String domain, DmarcRecord record) {
    public FoundRecord {
        Objects.requireNonNull(domain, "domain");
        Objects.requireNonNull(record, "record");
    }
}
