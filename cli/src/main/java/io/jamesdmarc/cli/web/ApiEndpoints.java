package io.jamesdmarc.cli.web;

import java.net.URI;
import java.sql.SQLException;
import java.time.Clock;
import java.time.LocalDate;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import io.jamesdmarc.cli.web.ApiViews.DomainView;
import io.jamesdmarc.cli.web.ApiViews.DomainsResponse;
import io.jamesdmarc.cli.web.ApiViews.FailedRecordView;
import io.jamesdmarc.cli.web.ApiViews.FailureReportView;
import io.jamesdmarc.cli.web.ApiViews.FailuresResponse;
import io.jamesdmarc.cli.web.ApiViews.ListView;
import io.jamesdmarc.cli.web.ApiViews.PeriodView;
import io.jamesdmarc.cli.web.ApiViews.ReportsResponse;
import io.jamesdmarc.cli.web.ApiViews.SourceView;
import io.jamesdmarc.cli.web.ApiViews.SourcesResponse;
import io.jamesdmarc.cli.web.ApiViews.SummaryResponse;
import io.jamesdmarc.storage.reporting.DashboardQueries;
import io.jamesdmarc.storage.reporting.Page;
import io.jamesdmarc.storage.reporting.PageRequest;
import io.jamesdmarc.storage.reporting.Period;
import io.jamesdmarc.storage.reporting.ReportSearch;
import io.jamesdmarc.storage.reporting.SourceFigures;
import io.jamesdmarc.storage.reporting.SourceOrder;

/**
 * The API's endpoints under {@value #BASE}: each reads its parameters, asks the dashboard queries
 * and returns what is sent as JSON. Parameters are checked strictly (see {@link QueryParameters}).
 */
final class ApiEndpoints {

    static final String BASE = "/api/exchange/dmarc-reports";
    static final int DEFAULT_LIMIT = 50;
    static final int MAX_LIMIT = 500;

    private static final Set<String> PERIOD = Set.of("from", "to", "days");
    private static final Set<String> PAGED_PERIOD = Set.of("from", "to", "days", "limit", "offset");
    /** A domain name as DNS has them (letters, digits, hyphens, underscores as in _dmarc, dots between labels). */
    private static final Pattern DOMAIN = Pattern.compile("(?=.{1,253}$)[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?(?:\\.[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?)*");

    private final DashboardQueries queries;
    private final SummaryKeeper summaries;
    private final ReverseNames names;
    private final Clock clock;
    private final AnswerCache cache;

    ApiEndpoints(DashboardQueries queries, SummaryKeeper summaries, ReverseNames names, Clock clock, AnswerCache cache) {
        this.queries = queries;
        this.summaries = summaries;
        this.names = names;
        this.clock = clock;
        this.cache = cache;
    }

    /** {@code GET /api/exchange/dmarc-reports/domains?from&to&days}: every domain with its figures in the period. */
    DomainsResponse domains(URI uri) throws ApiException, SQLException {
        Period period = QueryParameters.of(uri, PERIOD).period(today(), QueryParameters.DEFAULT_DAYS);
        return new DomainsResponse(PeriodView.of(period), summaries.pending(),
            cache.get(List.of("domains", period), () -> queries.domains(period)).stream().map(DomainView::of).toList());
    }

    /** {@code GET /api/exchange/dmarc-reports?domain&reporter&from&to&limit&offset}: the reports, newest first. */
    ReportsResponse reports(URI uri) throws ApiException, SQLException {
        QueryParameters parameters = QueryParameters.of(uri, Set.of("domain", "reporter", "from", "to", "limit", "offset"));
        Optional<String> domain = parameters.text("domain");
        if (domain.isPresent()) {
            domain = Optional.of(validDomain(domain.get(), "domain"));
        }
        ReportSearch search = new ReportSearch(domain, parameters.text("reporter"), parameters.optionalPeriod());
        PageRequest page = page(parameters);
        return ReportsResponse.of(cache.get(List.of("reports", search, page), () -> queries.reports(search, page)));
    }

    /** {@code GET .../{domain}/summary?from&to&days}. */
    SummaryResponse summary(String domainSegment, URI uri) throws ApiException, SQLException {
        Period period = QueryParameters.of(uri, PERIOD).period(today(), QueryParameters.DEFAULT_DAYS);
        String domain = knownDomain(domainSegment);
        return SummaryResponse.of(cache.get(List.of("summary", domain, period), () -> queries.summary(domain, period)), summaries.pending());
    }

    /** {@code GET .../{domain}/sources?from&to&days&limit&offset&sort}. */
    SourcesResponse sources(String domainSegment, URI uri) throws ApiException, SQLException {
        QueryParameters parameters = QueryParameters.of(uri, Set.of("from", "to", "days", "limit", "offset", "sort"));
        Period period = parameters.period(today(), QueryParameters.DEFAULT_DAYS);
        PageRequest page = page(parameters);
        String sortText = parameters.text("sort").orElse("messages").toLowerCase(Locale.ROOT);
        SourceOrder order = switch (sortText) {
            case "messages" -> SourceOrder.MESSAGES;
            case "failures" -> SourceOrder.FAIL_MESSAGES;
            default -> throw ApiException.badParameter("sort", "sort must be 'messages' or 'failures', was '" + sortText + "'");
        };
        String domain = knownDomain(domainSegment);
        Page<SourceFigures> sources = cache.get(List.of("sources", domain, period, order, page), () -> queries.sources(domain, period, order, page));
        return new SourcesResponse(domain, PeriodView.of(period), sortText, sources.total(), page.limit(), page.offset(),
            ApiViews.nextOffsetOf(sources), sources.items().stream().map(source -> SourceView.of(source, names)).toList());
    }

    /** {@code GET .../{domain}/failures?from&to&days&limit&offset}: failure reports and failing aggregate records. */
    FailuresResponse failures(String domainSegment, URI uri) throws ApiException, SQLException {
        QueryParameters parameters = QueryParameters.of(uri, PAGED_PERIOD);
        Period period = parameters.period(today(), QueryParameters.DEFAULT_DAYS);
        PageRequest page = page(parameters);
        String domain = knownDomain(domainSegment);
        return new FailuresResponse(domain, PeriodView.of(period), page.limit(), page.offset(),
            ListView.of(cache.get(List.of("failure reports", domain, period, page), () -> queries.failureReports(domain, period, page)),
                FailureReportView::of),
            ListView.of(cache.get(List.of("failed records", domain, period, page), () -> queries.failedRecords(domain, period, page)),
                FailedRecordView::of));
    }

    /** Before an answer: the reports stored since the last one are summarized (a few; the rest in the background). */
    void catchUp() {
        summaries.beforeRequest();
    }

    private LocalDate today() {
        return LocalDate.now(clock);
    }

    private static PageRequest page(QueryParameters parameters) throws ApiException {
        return new PageRequest(parameters.integer("limit", DEFAULT_LIMIT, 1, MAX_LIMIT), parameters.offset());
    }

    /** The domain of the path, checked for form, then for whether any report is about it (else 404). */
    private String knownDomain(String segment) throws ApiException, SQLException {
        String domain = validDomain(segment, "domain");
        if (!queries.knownDomain(domain)) {
            throw ApiException.notFound("unknown_domain", "no DMARC reports about " + domain + " have been received "
                + "(GET " + BASE + "/domains lists the domains there are reports about)");
        }
        return domain;
    }

    private static String validDomain(String text, String parameter) throws ApiException {
        String domain = DashboardQueries.storedDomain(text);
        if (!DOMAIN.matcher(domain).matches()) {
            throw ApiException.badParameter(parameter, "'" + text + "' is not a domain name (letters, digits, hyphens and dots, "
                + "at most 253 characters; an internationalised domain in its xn-- form)");
        }
        return domain;
    }
}
