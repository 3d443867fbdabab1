package io.jamesdmarc.mailets.evaluate;

import org.apache.james.metrics.api.Metric;
import org.apache.james.metrics.api.MetricFactory;

import io.jamesdmarc.storage.evaluation.RecorderListener;

/** What the evaluation recorder does, as James metrics. */
public final class RecorderMetrics implements RecorderListener {

    public static final String RECORDED = "dmarcEvaluationsRecorded";
    public static final String SPOOLED = "dmarcEvaluationsSpooled";
    public static final String REPLAYED = "dmarcEvaluationsReplayed";
    public static final String KEPT_ASIDE = "dmarcEvaluationsKeptAside";
    public static final String DROPPED = "dmarcEvaluationsDropped";

    private final Metric recorded;
    private final Metric spooled;
    private final Metric replayed;
    private final Metric keptAside;
    private final Metric dropped;

    public RecorderMetrics(MetricFactory metrics) {
        this.recorded = metrics.generate(RECORDED);
        this.spooled = metrics.generate(SPOOLED);
        this.replayed = metrics.generate(REPLAYED);
        this.keptAside = metrics.generate(KEPT_ASIDE);
        this.dropped = metrics.generate(DROPPED);
    }

    @Override
    public void recorded(int count) {
        recorded.add(count);
    }

    @Override
    public void spooled(int count) {
        spooled.add(count);
    }

    @Override
    public void replayed(int count) {
        replayed.add(count);
    }

    @Override
    public void keptAside(int count) {
        keptAside.add(count);
    }

    @Override
    public void dropped(int count) {
        dropped.add(count);
    }
}
