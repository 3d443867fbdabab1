package io.jamesdmarc.matchers;

import java.util.List;

import io.jamesdmarc.mailets.DmarcAttributes;

/**
 * Matches mail whose DMARC disposition, as {@code DmarcEvaluate} applies it, is one of the
 * condition's: {@code none}, {@code pass}, {@code quarantine}, {@code reject}, separated by commas.
 * It reads {@link DmarcAttributes#DMARC_APPLIED_DISPOSITION}: what the Domain Owner's policy asks,
 * as far as {@code DmarcEvaluate}'s {@code enforcement} lets it (with {@code monitor}, nothing is
 * ever {@code quarantine} nor {@code reject}); so what the recorded evaluation says was done is what
 * the mailets this matcher guards do. Mail {@code DmarcEvaluate} did not evaluate never matches.
 *
 * <pre>{@code
 * <!-- root processor, after DmarcEvaluate: refused mail goes to a processor of its own -->
 * <mailet match="io.jamesdmarc.matchers.IsDmarcDisposition=reject" class="ToProcessor">
 *     <processor>dmarc-rejected</processor>
 * </mailet>
 * <!-- local-delivery processor, first: quarantined mail goes to the Spam folder -->
 * <mailet match="io.jamesdmarc.matchers.IsDmarcDisposition=quarantine" class="WithStorageDirective">
 *     <targetFolderName>Spam</targetFolderName>
 * </mailet>
 * }</pre>
 */
public class IsDmarcDisposition extends AttributeTokenMatcher {

    public IsDmarcDisposition() {
        super(DmarcAttributes.DMARC_APPLIED_DISPOSITION, List.of("none", "pass", "quarantine", "reject"));
    }
}
