namespace Pim.Domain;

/// <summary>
/// Pim's instants are UTC with microsecond precision (what Postgres keeps), so that what a write answers is what a
/// later read returns, on either store.
/// </summary>
public static class Clock
{
    /// <summary>The instants Pim accepts from clients: nothing before 1970 or from 2200 on (so that an instant plus any
    /// accepted duration stays far inside what <see cref="DateTimeOffset"/> holds).</summary>
    public static readonly DateTimeOffset Earliest = new(1970, 1, 1, 0, 0, 0, TimeSpan.Zero);
    public static readonly DateTimeOffset Latest = new(2200, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static bool IsAcceptable(DateTimeOffset instant) => instant >= Earliest && instant < Latest;

    public static DateTimeOffset Now(this TimeProvider time) => Normalize(time.GetUtcNow());

    public static DateTimeOffset Normalize(DateTimeOffset instant)
    {
        var utc = instant.UtcTicks;
        return new DateTimeOffset(utc - utc % 10, TimeSpan.Zero);
    }

    public static DateTimeOffset? Normalize(DateTimeOffset? instant) => instant is { } value ? Normalize(value) : null;
}
