package org.apache.james.transport.mailets;

import jakarta.inject.Inject;
import jakarta.mail.MessagingException;

import org.apache.james.metrics.api.Metric;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.mailet.Mail;
import org.apache.mailet.MailetException;
import org.apache.mailet.base.GenericMailet;

/** Test stand-in for James's MetricsMailet (james-server-mailets, not on Maven Central): counts mails in metricName, as James's does. */
public class MetricsMailet extends GenericMailet {

    private final MetricFactory metricFactory;
    private Metric metric;

    @Inject
    public MetricsMailet(MetricFactory metricFactory) {
        this.metricFactory = metricFactory;
    }

    @Override
    public void init() throws MessagingException {
        String name = getInitParameterAsOptional("metricName")
            .orElseThrow(() -> new MailetException("metricName is compulsory"));
        metric = metricFactory.generate(name);
    }

    @Override
    public void service(Mail mail) {
        metric.increment();
    }

    @Override
    public String getMailetInfo() {
        return "test stand-in for James's MetricsMailet";
    }
}
