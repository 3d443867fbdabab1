/**
 * Where DMARC reports may be sent: {@link io.jamesdmarc.model.destination.ExternalDestinationVerifier}
 * checks rua and ruf destinations outside the policy domain's Organizational Domain for the
 * consent record RFC 9990 defines, and ignores ruf of psd=y records (RFC 9991).
 */
package io.jamesdmarc.model.destination;
