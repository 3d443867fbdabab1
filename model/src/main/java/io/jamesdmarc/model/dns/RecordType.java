package io.jamesdmarc.model.dns;

import org.xbill.DNS.Type;

/** The record types DMARC evaluation asks for. */
public enum RecordType {
    TXT(Type.TXT),
    A(Type.A),
    AAAA(Type.AAAA),
    MX(Type.MX);

    private final int wireType;

    RecordType(int wireType) {
        this.wireType = wireType;
    }

    int wireType() {
        return wireType;
    }
}
