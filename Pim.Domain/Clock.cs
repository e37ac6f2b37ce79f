namespace Pim.Domain;

/// <summary>
/// Pim's instants are UTC with microsecond precision (what Postgres keeps), so that what a write answers is what a
/// later read returns, on either store.
/// </summary>
public static class Clock
{
    public static DateTimeOffset Now(this TimeProvider time) => Normalize(time.GetUtcNow());

    public static DateTimeOffset Normalize(DateTimeOffset instant)
    {
        var utc = instant.UtcTicks;
        return new DateTimeOffset(utc - utc % 10, TimeSpan.Zero);
    }

    public static DateTimeOffset? Normalize(DateTimeOffset? instant) => instant is { } value ? Normalize(value) : null;
}
