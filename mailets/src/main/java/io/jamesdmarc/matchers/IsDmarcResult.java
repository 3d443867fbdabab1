package io.jamesdmarc.matchers;

import java.util.List;

import io.jamesdmarc.mailets.DmarcAttributes;

/**
 * Matches mail whose DMARC result ({@link DmarcAttributes#DMARC_RESULT}, set by
 * {@code DmarcEvaluate}) is one of the condition's: {@code pass}, {@code fail}, {@code none},
 * {@code temperror}, {@code permerror}, separated by commas. For local decisions beyond the
 * policy's disposition, e.g. a tag on mail whose DMARC could not be checked:
 *
 * <pre>{@code
 * <mailet match="io.jamesdmarc.matchers.IsDmarcResult=temperror,permerror" class="SetMimeHeader">
 *     <name>X-DMARC-Unchecked</name><value>yes</value>
 * </mailet>
 * }</pre>
 *
 * To act on the policy, use {@link IsDmarcDisposition}: it follows {@code DmarcEvaluate}'s
 * {@code enforcement}, so that the aggregate reports say what was done.
 */
public class IsDmarcResult extends AttributeTokenMatcher {

    public IsDmarcResult() {
        super(DmarcAttributes.DMARC_RESULT, List.of("pass", "fail", "none", "temperror", "permerror"));
    }
}
