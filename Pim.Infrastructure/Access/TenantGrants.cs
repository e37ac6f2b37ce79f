using Pim.Domain;

namespace Pim.Infrastructure;

/// <summary>
/// Everything one tenant's evaluations read, as of one snapshot of the store (<see cref="GrantIndexLoader"/>): the
/// principals with their groups (direct, through nested groups, and held just in time with their windows), assignments and activations, what ended before the snapshot, and the scope closure.
/// Read-only once built, so any number of requests read it at once. Time is applied at read time, from each row's start
/// and end: expiry needs no invalidation, only changes do (<see cref="GrantIndex"/>). These are the rules of access:
/// the store path (<see cref="AccessReader"/>) loads one principal's rows alone and asks them too.
/// </summary>
public sealed class TenantGrants(Dictionary<string, TenantGrants.Holder> principals, Dictionary<string, string[]> ancestors, int entries)
{
    /// <summary>An assignment or an activation: what it gives, from when, until when.</summary>
    /// <param name="Counts">An activation whose basis holds (<see cref="GrantBasis"/>); one that does not still ends, for "expired".</param>
    /// <param name="BasisUntil">When the group membership an activation stands on ends (one held just in time); null when it does not.</param>
    public sealed record Row(string RoleId, string Scope, DateTimeOffset StartsAt, DateTimeOffset? EndsAt, string AssignmentId, string? RequestId,
        bool Counts = true, DateTimeOffset? BasisUntil = null)
    {
        /// <summary>An activation that counts at <paramref name="now"/>: its basis held at the snapshot and has not ended since.</summary>
        public bool CountsAt(DateTimeOffset now) => Counts && !AccessRules.Ended(BasisUntil, now);
    }

    /// <summary>A group a principal is a member of: always (the directory's), or from and until (held through PIM, just in time).</summary>
    public sealed record Membership(string GroupId, DateTimeOffset? From, DateTimeOffset? Until)
    {
        public bool InForceAt(DateTimeOffset now) => AccessRules.InForce(From ?? DateTimeOffset.MinValue, Until, now);
    }

    /// <summary>One principal: its kind, whether enabled, its groups (every one it is a member of, nested ones too) and its rows
    /// (lists made only when it has some).</summary>
    public sealed class Holder(PrincipalKind kind, bool enabled)
    {
        private static readonly List<Membership> NoGroups = [];
        private static readonly List<Row> NoRows = [];
        private static readonly List<(string, string, bool)> NoneEnded = [];
        private List<Membership>? _groups;
        private List<Row>? _active, _eligible, _activations;
        private List<(string RoleId, string Scope, bool Activation)>? _ended;

        public PrincipalKind Kind { get; } = kind;
        public bool Enabled { get; } = enabled;
        /// <summary>Its groups, each once per way it is a member (a directory membership and one held just in time may both be there).</summary>
        public List<Membership> Groups => _groups ?? NoGroups;
        public List<Row> Active => _active ?? NoRows;
        public List<Row> Eligible => _eligible ?? NoRows;
        public List<Row> Activations => _activations ?? NoRows;
        /// <summary>Role and scope of what ended before the snapshot: assignments (any type) and activations ("expired").</summary>
        public List<(string RoleId, string Scope, bool Activation)> Ended => _ended ?? NoneEnded;

        internal void AddGroup(Membership membership) => (_groups ??= new(1)).Add(membership);
        internal void AddAssignment(Row row, bool eligible) => (eligible ? _eligible ??= new(1) : _active ??= new(1)).Add(row);
        internal void AddActivation(Row row) => (_activations ??= new(1)).Add(row);
        internal void AddEnded(string roleId, string scope, bool activation) => (_ended ??= new(1)).Add((roleId, scope, activation));
    }

    /// <summary>Rows held: what the cache bound (<c>Pim:Access:Cache:MaxEntries</c>) counts.</summary>
    public int Entries { get; } = entries;

    public IReadOnlyList<Grant> FindGrants(string principalId, IReadOnlyCollection<string>? roleIds, string? scope, DateTimeOffset now)
    {
        if (!principals.TryGetValue(principalId, out var holder) || !holder.Enabled) return [];
        var at = Ancestors(scope);
        List<Grant>? grants = null;
        foreach (var row in holder.Active)
            if (Wanted(row, roleIds, scope, at, now)) (grants ??= []).Add(new Grant(row.RoleId, row.Scope, row.EndsAt, row.AssignmentId, null, principalId));
        foreach (var membership in holder.Groups)
            if (membership.InForceAt(now) && principals.TryGetValue(membership.GroupId, out var group))
                foreach (var row in group.Active)
                    if (Wanted(row, roleIds, scope, at, now))
                        (grants ??= []).Add(new Grant(row.RoleId, row.Scope, Earlier(row.EndsAt, membership.Until), row.AssignmentId, null, membership.GroupId));
        foreach (var row in holder.Activations)
            if (row.CountsAt(now) && Wanted(row, roleIds, scope, at, now))
                (grants ??= []).Add(new Grant(row.RoleId, row.Scope, row.EndsAt, row.AssignmentId, row.RequestId, principalId));
        return grants ?? (IReadOnlyList<Grant>)[];
    }

    public AccessStanding Standing(string principalId, string roleId, string scope, DateTimeOffset now)
    {
        var at = Ancestors(scope);
        var scopeKnown = scope == ScopePath.Root || ancestors.ContainsKey(scope);
        if (!principals.TryGetValue(principalId, out var holder)) return new AccessStanding(true, scopeKnown, null, true, false, false);
        bool eligible = false, expired = false;
        foreach (var h in HolderAndGroups(principalId, holder, now))
        {
            foreach (var row in h.Eligible)
                if (row.RoleId == roleId && At(row.Scope, scope, at))
                {
                    if (AccessRules.InForce(row.StartsAt, row.EndsAt, now)) eligible = true;
                    if (AccessRules.Ended(row.EndsAt, now)) expired = true;
                }
            foreach (var row in h.Active)
                if (row.RoleId == roleId && At(row.Scope, scope, at) && AccessRules.Ended(row.EndsAt, now)) expired = true;
            foreach (var (endedRole, endedScope, activation) in h.Ended)
                if (endedRole == roleId && At(endedScope, scope, at) && (!activation || h == holder)) expired = true;
        }
        foreach (var row in holder.Activations)
            if (row.RoleId == roleId && At(row.Scope, scope, at) && AccessRules.Ended(row.EndsAt, now)) expired = true;
        return new AccessStanding(true, scopeKnown, holder.Kind, holder.Enabled, eligible, expired);
    }

    /// <summary>
    /// The rows the rules read for one principal at a scope, each as a line, in a stable order: the principal, its
    /// memberships, its rows and its groups' (a group's own activations are never read), and the scope's ancestors. The
    /// parity test compares what the store path loads for one principal with what the index loads for the whole tenant.
    /// </summary>
    public IReadOnlyList<string> RowsOf(string principalId, string? scope)
    {
        var lines = new List<string>();
        if (scope is not null) lines.AddRange(ancestors.GetValueOrDefault(scope)?.Select(a => $"scope {scope} in {a}") ?? []);
        if (!principals.TryGetValue(principalId, out var holder)) return [.. lines.Order(StringComparer.Ordinal)];
        void Add(string id, Holder h, bool own)
        {
            lines.Add($"{id} {h.Kind} enabled={h.Enabled}");
            lines.AddRange(h.Active.Select(r => $"{id} active {r}"));
            lines.AddRange(h.Eligible.Select(r => $"{id} eligible {r}"));
            if (own) lines.AddRange(h.Activations.Select(r => $"{id} activation {r}"));
            lines.AddRange(h.Ended.Where(e => own || !e.Activation).Select(e => $"{id} ended {e}"));
        }
        Add(principalId, holder, own: true);
        lines.AddRange(holder.Groups.Select(m => $"{principalId} member {m}"));
        foreach (var groupId in holder.Groups.Select(m => m.GroupId).Distinct())
            if (groupId != principalId && principals.TryGetValue(groupId, out var group)) Add(groupId, group, own: false);
        lines.Sort(StringComparer.Ordinal);
        return lines;
    }

    private IEnumerable<Holder> HolderAndGroups(string principalId, Holder holder, DateTimeOffset now)
    {
        yield return holder;
        foreach (var membership in holder.Groups.Where(m => m.InForceAt(now)).DistinctBy(m => m.GroupId))
            if (membership.GroupId != principalId && principals.TryGetValue(membership.GroupId, out var group)) yield return group;
    }

    /// <summary>The earlier of two ends (null: none).</summary>
    private static DateTimeOffset? Earlier(DateTimeOffset? a, DateTimeOffset? b) => a is null ? b : b is null ? a : a < b ? a : b;

    /// <summary>The scopes whose grants count at <paramref name="scope"/>: null for any; the root alone; else its closure (none if unknown).</summary>
    private string[]? Ancestors(string? scope) =>
        scope is null || scope == ScopePath.Root ? null : ancestors.GetValueOrDefault(scope) ?? [];

    private static bool At(string rowScope, string? scope, string[]? at) =>
        scope is null || (at is null ? rowScope == ScopePath.Root : Array.IndexOf(at, rowScope) >= 0);

    private static bool Wanted(Row row, IReadOnlyCollection<string>? roleIds, string? scope, string[]? at, DateTimeOffset now) =>
        (roleIds is null || roleIds.Contains(row.RoleId)) && At(row.Scope, scope, at) && AccessRules.InForce(row.StartsAt, row.EndsAt, now);
}
