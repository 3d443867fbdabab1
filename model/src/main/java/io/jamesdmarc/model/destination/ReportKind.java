package io.jamesdmarc.model.destination;

/** The two kinds of DMARC report, and the tag that requests each. */
public enum ReportKind {
    /** RFC 9990 aggregate reports, requested by {@code rua}. */
    AGGREGATE("rua"),
    /** RFC 9991 failure reports, requested by {@code ruf}. */
    FAILURE("ruf");

    private final String tag;

    ReportKind(String tag) {
        this.tag = tag;
    }

    public String tag() {
        return tag;
    }
}
