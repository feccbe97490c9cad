/**
 * The Macaque provider SPI: the one small, stable interface between Macaque and a cloud.
 *
 * <p>A provider is found through {@link java.util.ServiceLoader}: a jar lists its
 * {@link dev.macaque.spi.ProviderFactory} implementation in
 * {@code META-INF/services/dev.macaque.spi.ProviderFactory}. The server calls
 * {@link dev.macaque.spi.ProviderFactory#create(ProviderContext)} once per configured provider
 * instance and talks to the returned {@link dev.macaque.spi.CloudProvider} only.
 *
 * <p>Rules every provider follows:
 * <ul>
 *   <li><b>Opt-in is data.</b> A group is a chaos target only when its tags (AWS tags, Azure tags,
 *       GCP labels) carry {@code macaque-enabled=true}; see {@link dev.macaque.spi.OptIn}. Providers
 *       report tags faithfully and never decide eligibility themselves; the engine does.</li>
 *   <li><b>Dry-run changes nothing.</b> A {@link dev.macaque.spi.TerminationRequest} with
 *       {@code dryRun=true} must not change any state in the cloud. It validates as much as the cloud
 *       allows without acting and says what it proved in {@link dev.macaque.spi.TerminationResult#detail()}.</li>
 *   <li><b>Terminating keeps capacity.</b> Terminate removes one member in a way that the group
 *       replaces it (desired capacity unchanged), so that recovery can be verified.</li>
 *   <li><b>Failures are {@link dev.macaque.spi.ProviderException}s</b> with a
 *       {@link dev.macaque.spi.ProviderException.Kind}; no cloud SDK exception crosses the SPI.</li>
 *   <li><b>Threading.</b> A {@link dev.macaque.spi.CloudProvider} is called from several threads at once and
 *       must be thread-safe. Calls may block (network I/O) but must be bounded by the provider's own
 *       timeouts.</li>
 *   <li><b>Every request passes the gate.</b> Since SPI 1.4 a provider calls
 *       {@code context.callGate().acquire(operation)} right before each HTTP request it sends to its cloud
 *       (pages, retries and long-running operation polls included; an SDK hook per attempt does it in one place) and
 *       returns {@code true} from {@link dev.macaque.spi.CloudProvider#gatesEachRequest()}, so that the server's call
 *       budget holds at the cloud's endpoint. See {@link dev.macaque.spi.CallGate}.</li>
 * </ul>
 *
 * <p>This package depends on nothing but {@code java.base}, so that it can be shared by the server and
 * every plugin class loader.
 */
package dev.macaque.spi;
