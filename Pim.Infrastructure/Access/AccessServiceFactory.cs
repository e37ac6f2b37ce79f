using Pim.Domain;

namespace Pim.Infrastructure;

/// <summary>
/// Makes the <see cref="AccessService"/> of a unit of work (<see cref="DbSession"/>): its readers over that session, and
/// the grant index in front of the store when evaluation answers from memory. The request's DI scope composes its own
/// with it; the single evaluation makes one with a session of its own (<see cref="Session"/>), without a DI scope per
/// request (issue 27) — a session opens a connection only when the index cannot answer.
/// </summary>
public sealed class AccessServiceFactory(Store store, GrantIndex index, IUsageRecorder usage, TimeProvider time, bool fromMemory)
{
    /// <summary>A unit of work of its own, outside any request's scope; dispose it (nothing to close when the store was not asked).</summary>
    public DbSession Session() => new(store, index);

    public AccessService Create(DbSession db) =>
        new(Reader(db), new PrincipalRepository(db, time), new TenantRepository(db), usage, new CustomRoleRepository(db), time);

    public IAccessReader Reader(DbSession db) => fromMemory ? new IndexedAccessReader(new AccessReader(db), index, db) : new AccessReader(db);
}
