package io.jamesdmarc.storage.reporting;

import org.junit.jupiter.api.extension.RegisterExtension;

import io.jamesdmarc.storage.testing.TestDatabase;

/** The dashboard queries on summaries the store kept report by report. */
class DashboardQueriesTest extends DashboardQueriesContract {

    @RegisterExtension
    static final TestDatabase DB = new TestDatabase();

    @Override
    protected TestDatabase database() {
        return DB;
    }
}
