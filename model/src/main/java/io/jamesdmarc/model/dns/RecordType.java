package io.jamesdmarc.model.dns;

import org.xbill.DNS.Type;

/** The record types DMARC evaluation asks for, and PTR for the reverse names the dashboard shows. */
public enum RecordType {
    TXT(Type.TXT),
    A(Type.A),
    AAAA(Type.AAAA),
    MX(Type.MX),
    PTR(Type.PTR);

    private final int wireType;

    RecordType(int wireType) {
        this.wireType = wireType;
    }

    int wireType() {
        return wireType;
    }
}
