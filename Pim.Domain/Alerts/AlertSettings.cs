namespace Pim.Domain;

/// <summary>
/// A tenant's settings of one alert: on or off, and its thresholds — <see cref="MaximumCount"/> (how many is too many)
/// and <see cref="Period"/> (how long is too long, or the window activations are counted in), each only for the alerts
/// that read it (<see cref="AlertDefinition"/>).
/// </summary>
public sealed record AlertSettings(string AlertType, bool Enabled, int? MaximumCount, TimeSpan? Period)
{
    public const int MinimumCount = 1;
    public const int MaximumCountLimit = 100_000;
    public static readonly TimeSpan MinimumPeriod = TimeSpan.FromHours(1);
    public static readonly TimeSpan MaximumPeriod = TimeSpan.FromDays(365);

    /// <summary>
    /// The settings as they are kept: a threshold the alert reads and the request left out takes its default; one the
    /// alert does not read is refused, so that nobody believes they set something that does nothing.
    /// </summary>
    public static AlertSettings Of(AlertDefinition definition, bool enabled, int? maximumCount, TimeSpan? period)
    {
        if (!definition.UsesMaximumCount && maximumCount is not null)
            throw Errors.InvalidField("maximumCount", $"The alert '{definition.Type}' has no maximumCount: leave it out.");
        if (!definition.UsesPeriod && period is not null)
            throw Errors.InvalidField("period", $"The alert '{definition.Type}' has no period: leave it out.");
        if (maximumCount is < MinimumCount or > MaximumCountLimit)
            throw Errors.InvalidField("maximumCount", $"maximumCount must be between {MinimumCount} and {MaximumCountLimit}.");
        if (period is { } p && (p < MinimumPeriod || p > MaximumPeriod))
            throw Errors.InvalidField("period", $"period must be between {IsoDuration.Format(MinimumPeriod)} and {IsoDuration.Format(MaximumPeriod)}.");
        return new AlertSettings(definition.Type, enabled, maximumCount ?? definition.DefaultMaximumCount, period ?? definition.DefaultPeriod);
    }
}

/// <summary>An alert's settings as in force in a tenant, and the version saved (0: the defaults, nothing saved) for If-Match.</summary>
public sealed record EffectiveAlertSettings(AlertSettings Settings, int Version);

public interface IAlertSettingsStore
{
    /// <summary>The settings the tenant saved, by alert type (the others are at their defaults).</summary>
    Task<IReadOnlyList<EffectiveAlertSettings>> ListAsync(string tenantId, CancellationToken ct);
    /// <summary>Inserts (expectedVersion 0) or replaces the version read; false when someone else saved first.</summary>
    Task<bool> SaveAsync(string tenantId, AlertSettings settings, int expectedVersion, DateTimeOffset now, string updatedBy, CancellationToken ct);
}

public static class AlertSettingsStoreExtensions
{
    /// <summary>Every alert's settings in force in the tenant, in the catalog's order.</summary>
    public static async Task<IReadOnlyList<EffectiveAlertSettings>> EffectiveAsync(this IAlertSettingsStore store, string tenantId, CancellationToken ct)
    {
        var saved = (await store.ListAsync(tenantId, ct)).ToDictionary(s => s.Settings.AlertType);
        return AlertCatalog.All.Select(d => saved.GetValueOrDefault(d.Type) ?? new EffectiveAlertSettings(d.Defaults, 0)).ToList();
    }
}
