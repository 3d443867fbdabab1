package io.jamesdmarc.model.vocabulary;

/** Why a receiver applied another disposition than the policy asked for. RFC 7489 has forwarded and sampled_out; RFC 9990 adds policy_test_mode. */
public enum OverrideType implements Vocabulary {
    FORWARDED("forwarded"),
    SAMPLED_OUT("sampled_out"),
    TRUSTED_FORWARDER("trusted_forwarder"),
    MAILING_LIST("mailing_list"),
    LOCAL_POLICY("local_policy"),
    OTHER("other"),
    POLICY_TEST_MODE("policy_test_mode");

    private final String token;

    OverrideType(String token) {
        this.token = token;
    }

    @Override
    public String token() {
        return token;
    }
}
