package io.jamesdmarc.storage.reporting;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.extension.RegisterExtension;

import io.jamesdmarc.storage.testing.TestDatabase;

/** The dashboard queries on summaries built report by report, as dmarc serve builds them. */
class DashboardQueriesTest extends DashboardQueriesContract {

    @RegisterExtension
    static final TestDatabase DB = new TestDatabase();

    @Override
    protected TestDatabase database() {
        return DB;
    }

    @Override
    protected void summarize(TestDatabase database) throws Exception {
        DashboardSummaries summaries = database.database().dashboardSummaries();
        long pending = summaries.pending();
        assertThat(summaries.catchUp(7)).isEqualTo(7);
        assertThat(summaries.catchUp(Integer.MAX_VALUE)).isEqualTo(pending - 7);
        assertThat(summaries.catchUp(Integer.MAX_VALUE)).as("each report once").isZero();
    }
}
