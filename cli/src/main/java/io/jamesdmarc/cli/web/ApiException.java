package io.jamesdmarc.cli.web;

import java.util.Optional;

/**
 * A request the API answers with an error: the HTTP status, a short code, the parameter at fault
 * (when one is) and a message saying what is wrong in words.
 */
final class ApiException extends Exception {

    private static final long serialVersionUID = 1L;

    private final int status;
    private final String code;
    private final String parameter;

    private ApiException(int status, String code, String parameter, String message) {
        super(message);
        this.status = status;
        this.code = code;
        this.parameter = parameter;
    }

    /** 400: a parameter is missing, malformed or out of range. */
    static ApiException badParameter(String parameter, String message) {
        return new ApiException(400, "bad_parameter", parameter, message);
    }

    /** 401: a token is required and the request has none, or another. */
    static ApiException unauthorized(String message) {
        return new ApiException(401, "unauthorized", null, message);
    }

    /** 404: nothing is known under this name. */
    static ApiException notFound(String code, String message) {
        return new ApiException(404, code, null, message);
    }

    /** 405: the resource exists but only answers GET. */
    static ApiException methodNotAllowed(String method) {
        return new ApiException(405, "method_not_allowed", null, method + " is not allowed here: the API only answers GET");
    }

    int status() {
        return status;
    }

    String code() {
        return code;
    }

    Optional<String> parameter() {
        return Optional.ofNullable(parameter);
    }
}
