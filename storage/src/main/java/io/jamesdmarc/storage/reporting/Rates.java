package io.jamesdmarc.storage.reporting;

/** Percentages as the reporting side gives them. */
final class Rates {

    private Rates() {
    }

    /** {@code part} in percent of {@code whole}; 0 when the whole is 0. */
    static double percent(long part, long whole) {
        return whole == 0 ? 0 : 100.0 * part / whole;
    }
}
