package io.jamesdmarc.model.policy;

/** The text is not a DMARC record: {@code v=DMARC1} is not its first tag (RFC 9989 section 4.7). */
public class DmarcRecordException extends Exception {
    private static final long serialVersionUID = 1L;

    public DmarcRecordException(String message) {
        super(message);
    }
}
