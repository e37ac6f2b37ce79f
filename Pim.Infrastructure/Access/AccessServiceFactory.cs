using Pim.Domain;

namespace Pim.Infrastructure;

/// <summary>
/// Makes the <see cref="AccessService"/> of a unit of work (<see cref="DbSession"/>): its readers over that session, and
/// the grant index in front of the store when evaluation answers from memory. The request's DI scope composes its own
/// with it; the single evaluation takes one with a session of its own (<see cref="Take"/>), without a DI scope per
/// request (issue 27) — a session opens a connection only when the index cannot answer.
/// </summary>
public sealed class AccessServiceFactory(Store store, GrantIndex index, IUsageRecorder usage, TimeProvider time, bool fromMemory)
{
    public AccessService Create(DbSession db) =>
        new(Reader(db), new PrincipalRepository(db, time), new TenantRepository(db), usage, new CustomRoleRepository(db), time);

    public IAccessReader Reader(DbSession db) => fromMemory ? new IndexedAccessReader(new AccessReader(db), index, db) : new AccessReader(db);

    /// <summary>The unit the last evaluation on this thread gave back (<see cref="Unit.DisposeAsync"/>), for the next one.</summary>
    [ThreadStatic] private static Unit? t_kept;

    /// <summary>
    /// A unit of work of its own, outside any request's scope, and the access service over it; dispose it (nothing to close
    /// when the store was not asked). Once disposed its session holds nothing — no connection, no transaction — and the
    /// next evaluation on the same thread takes it again: the session, the service and its four readers were ~0.3 KB of
    /// every evaluation (issue 27, bench/README.md "Seventh pass").
    /// </summary>
    public Unit Take()
    {
        var unit = t_kept is { } kept && kept.Factory == this ? kept : new Unit(this, new DbSession(store, index));
        t_kept = null;
        return unit;
    }

    public sealed class Unit : IAsyncDisposable
    {
        internal Unit(AccessServiceFactory factory, DbSession session)
        {
            Factory = factory;
            Session = session;
            Access = factory.Create(session);
        }

        internal AccessServiceFactory Factory { get; }
        public DbSession Session { get; }
        public AccessService Access { get; }

        /// <summary>Ends the unit of work; kept for this thread's next evaluation only once its session has closed everything.</summary>
        public async ValueTask DisposeAsync()
        {
            await Session.DisposeAsync();
            t_kept = this;
        }
    }
}
