/**
 * Message authentication for DMARC: {@link io.jamesdmarc.model.evaluation.auth.DkimVerifier}
 * verifies every DKIM signature with jdkim (RFC 6376), {@link io.jamesdmarc.model.evaluation.auth.SpfVerifier}
 * checks SPF with jSPF (RFC 7208), both over our DNS resolver so that a DNS failure is temperror;
 * {@link io.jamesdmarc.model.evaluation.auth.AuthenticationResults} writes the Authentication-Results
 * field (RFC 8601) of a message's DKIM, SPF and DMARC results.
 */
package io.jamesdmarc.model.evaluation.auth;
