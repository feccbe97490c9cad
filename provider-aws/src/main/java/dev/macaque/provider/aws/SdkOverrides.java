package dev.macaque.provider.aws;

import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.retries.api.BackoffStrategy;

/**
 * What tests replace in the SDK set-up that configuration does not reach: the base credentials (instead of the
 * default chain or a profile read from the user's files) and the retry back-off (so that provoked throttling does
 * not cost seconds). Production uses {@link #NONE}.
 *
 * @param baseCredentials credentials to use instead of the default chain or profile, or {@code null}
 * @param backoff         delay between retries of every kind, or {@code null} for the SDK's own
 */
record SdkOverrides(AwsCredentialsProvider baseCredentials, BackoffStrategy backoff) {
    static final SdkOverrides NONE = new SdkOverrides(null, null);
}
