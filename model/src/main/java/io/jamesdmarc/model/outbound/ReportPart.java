package io.jamesdmarc.model.outbound;

import java.util.Objects;

/**
 * One aggregate report as sent: its id, its file name and the gzipped XML. A period's records split
 * at the size limit make several parts, each a complete report of its own.
 *
 * @param number 1, 2, ... within the period's report
 * @param xmlBytes size of the XML before gzip
 * @param records {@code <record>} elements
 * @param messages the sum of their counts
 */
public record ReportPart(int number, String reportId, String fileName, byte[] gzip, long xmlBytes, int records, long messages) {
    public ReportPart {
        Objects.requireNonNull(reportId, "reportId");
        Objects.requireNonNull(fileName, "fileName");
        Objects.requireNonNull(gzip, "gzip");
    }
}
