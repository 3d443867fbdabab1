package io.jamesdmarc.model.aggregate;

import java.util.Optional;

/** The two XML formats of aggregate reports. */
public enum ReportFormat {
    /** RFC 7489 appendix C. Real reports mostly carry no namespace; the XSD's namespace is accepted too. */
    RFC7489("http://dmarc.org/dmarc-xml/0.1", "1.0"),
    /** RFC 9990 (DMARCbis): {@code urn:ietf:params:xml:ns:dmarc-2.0}, version 1.0. */
    RFC9990("urn:ietf:params:xml:ns:dmarc-2.0", "1.0");

    private final String namespace;
    private final String version;

    ReportFormat(String namespace, String version) {
        this.namespace = namespace;
        this.version = version;
    }

    /** The XML namespace of the format's schema. */
    public String namespace() {
        return namespace;
    }

    /** The {@code <version>} we write. */
    public String version() {
        return version;
    }

    /** The format a root namespace declares, if it declares one we know. */
    public static Optional<ReportFormat> ofNamespace(String namespace) {
        for (ReportFormat format : values()) {
            if (format.namespace.equals(namespace)) {
                return Optional.of(format);
            }
        }
        return Optional.empty();
    }
}
