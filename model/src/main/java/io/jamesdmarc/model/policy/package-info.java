/**
 * DMARC Policy Records and where to find them: {@link io.jamesdmarc.model.policy.DmarcRecord}
 * reads a record (RFC 9989 section 4.7), {@link io.jamesdmarc.model.policy.PolicyDiscovery}
 * finds the record that applies to an Author Domain and the Organizational Domain of any domain,
 * by the RFC 9989 DNS tree walk or the RFC 7489 public suffix list.
 */
package io.jamesdmarc.model.policy;
