package dev.macaque.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * An RFC 9457 problem detail, the body of every error response ({@code application/problem+json}).
 *
 * @param type     a URI naming the problem type; {@code about:blank} when the status says it all
 * @param title    the status's short text
 * @param status   the HTTP status code
 * @param detail   what exactly was wrong with this request
 * @param instance the request path
 * @param errors   for validation problems: every offending field with its message
 * @param excluded for a spec whose targets leave nothing eligible (422): each excluded group with its reason
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record Problem(String type, String title, int status, String detail, String instance, List<FieldError> errors,
        List<?> excluded) {

    public static final String CONTENT_TYPE = "application/problem+json";

    /** One invalid field: a JSON path such as {@code selection.value} and what is wrong with it. */
    public record FieldError(String field, String message) {
    }
}
