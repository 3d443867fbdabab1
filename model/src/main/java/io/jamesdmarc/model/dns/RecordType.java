package io.jamesdmarc.model.dns;

import org.xbill.DNS.Type;

/** The record types DMARC evaluation asks for, SPF's mechanisms included (PTR for {@code ptr} and {@code %{p}}). */
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
