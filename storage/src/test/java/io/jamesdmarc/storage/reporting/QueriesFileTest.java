package io.jamesdmarc.storage.reporting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

class QueriesFileTest {

    @Test
    void splitsOnNameLinesAndKeepsTheDescription() {
        List<NamedQuery> queries = QueriesFile.parse("""
            -- preamble: parameters...
            SET @ignored = 1;

            -- name: first
            -- What the first query answers,
            -- on two lines.
            SELECT 1 AS one
            -- a comment inside the statement stays
            FROM DUAL;

            --name:second
            SELECT ';' AS semicolon;
            """);

        assertThat(queries).containsExactly(
            new NamedQuery("first", "What the first query answers, on two lines.",
                "SELECT 1 AS one\n-- a comment inside the statement stays\nFROM DUAL"),
            new NamedQuery("second", "", "SELECT ';' AS semicolon"));
    }

    @Test
    void refusesARepeatedNameOrAnEmptyQuery() {
        assertThatThrownBy(() -> QueriesFile.parse("-- name: a\nSELECT 1;\n-- name: a\nSELECT 2;\n")).hasMessageContaining("'a'");
        assertThatThrownBy(() -> QueriesFile.parse("-- name: empty\n-- only words\n")).hasMessageContaining("'empty'");
    }

    @Test
    void theBundledFileHasTheQueriesTheToolsUse() {
        assertThat(QueriesFile.bundled()).extracting(NamedQuery::name).contains(ReportingQueries.DOMAIN_SUMMARY)
            .allSatisfy(name -> assertThat(name).matches("[a-z_]+"));
        assertThat(QueriesFile.bundled()).allSatisfy(query -> assertThat(query.description()).isNotBlank());
    }
}
