/**
 * DNS for DMARC: {@link io.jamesdmarc.model.dns.DnsResolver} asks recursive servers over the
 * wire (dnsjava), caches answers for their TTL, and tells "no record" (NXDOMAIN, no data) from
 * "cannot know now" (timeout, SERVFAIL), which DMARC must report as temperror.
 */
package io.jamesdmarc.model.dns;
