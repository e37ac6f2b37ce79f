using Pim.Domain;

namespace Pim.Infrastructure;

/// <summary>
/// Everything one tenant's evaluations read, as of one snapshot of the store (<see cref="GrantIndexLoader"/>): the
/// principals with their groups (direct, through nested groups, and held just in time with their windows), assignments and activations, what ended before the snapshot, and the scope closure.
/// Read-only once built, so any number of requests read it at once. Time is applied at read time, from each row's start
/// and end: expiry needs no invalidation, only changes do (<see cref="GrantIndex"/>). These are the rules of access:
/// the store path (<see cref="AccessReader"/>) loads one principal's rows alone and asks them too.
/// <para>
/// Compact, because a million-assignment directory must fit in memory (issue 27): the rows are structs in one array per
/// kind, each principal's rows one contiguous run of it (its <see cref="Holder"/> says where), times are UTC ticks, role
/// ids and scopes one string each per tenant. No object per row, no list per principal: about a third of the memory of
/// an object per row, and nothing for the garbage collector to trace but the strings.
/// </para>
/// </summary>
public sealed class TenantGrants
{
    /// <summary>No start (a directory membership) and no end, as ticks.</summary>
    private const long Always = long.MinValue, Never = long.MaxValue;

    /// <summary>An assignment (active or eligible): what it gives, from when, until when (<see cref="Never"/>: no end).</summary>
    private readonly record struct Assignment(string RoleId, string Scope, long StartsAt, long EndsAt, string AssignmentId);

    /// <summary>An activation. <paramref name="Counts"/>: its basis holds (<see cref="GrantBasis"/>); one that does not still ends, for "expired".
    /// <paramref name="BasisUntil"/>: when the group membership it stands on ends (one held just in time); <see cref="Never"/> when it does not.</summary>
    private readonly record struct Activation(string RoleId, string Scope, long StartsAt, long EndsAt, string AssignmentId, string? RequestId,
        long BasisUntil, bool Counts)
    {
        /// <summary>Counts at <paramref name="now"/>: its basis held at the snapshot and has not ended since.</summary>
        public bool CountsAt(long now) => Counts && BasisUntil > now;
    }

    /// <summary>A group a principal is a member of: always (the directory's), or from and until (held through PIM, just in time).
    /// <paramref name="Group"/>: the group's holder, -1 when the tenant has no such principal.</summary>
    private readonly record struct Link(string GroupId, int Group, long From, long Until)
    {
        public bool InForceAt(long now) => From <= now && Until > now;
    }

    /// <summary>Role and scope of what ended before the snapshot: an assignment (any type) or an activation ("expired").</summary>
    private readonly record struct Ended(string RoleId, string Scope, bool Activation);

    /// <summary>
    /// One principal: its kind, whether enabled, and where its rows start in each array; they end where the next
    /// principal's start (the last holder is a sentinel).
    /// </summary>
    private readonly record struct Holder(PrincipalKind Kind, bool Enabled, int Active, int Eligible, int Activations, int Links, int Ended);

    private readonly Dictionary<string, int> _numbers;
    private readonly string[] _ids;
    private readonly Holder[] _holders;
    private readonly Assignment[] _active, _eligible;
    private readonly Activation[] _activations;
    private readonly Link[] _links;
    private readonly Ended[] _ended;
    private readonly Dictionary<string, string[]> _ancestors;

    private TenantGrants(Dictionary<string, int> numbers, string[] ids, Holder[] holders, Assignment[] active, Assignment[] eligible,
        Activation[] activations, Link[] links, Ended[] ended, Dictionary<string, string[]> ancestors, int entries)
    {
        (_numbers, _ids, _holders, _active, _eligible, _activations, _links, _ended, _ancestors, Entries) =
            (numbers, ids, holders, active, eligible, activations, links, ended, ancestors, entries);
    }

    /// <summary>Rows held: what the cache bound (<c>Pim:Access:Cache:MaxEntries</c>) counts.</summary>
    public int Entries { get; }

    /// <summary>What a row of the index costs in memory, about (a principal with its id, an assignment with its id,
    /// a membership, an activation, an ended grant): Pim's resident memory grew by ~160 bytes a row holding the
    /// benchmark's million assignments (2.55M rows; ~285 before this representation). What the default bound derived
    /// from the machine's memory (<see cref="AccessCacheOptions.EffectiveMaxEntries"/>) divides by.</summary>
    public const int BytesPerEntry = 160;

    private static long Ticks(DateTimeOffset at) => at.UtcTicks;
    private static long Ticks(DateTimeOffset? at, long none) => at?.UtcTicks ?? none;
    private static DateTimeOffset? Time(long ticks) => ticks is Never or Always ? null : new DateTimeOffset(ticks, TimeSpan.Zero);

    private ReadOnlySpan<Assignment> ActiveOf(int h) => _active.AsSpan(_holders[h].Active, _holders[h + 1].Active - _holders[h].Active);
    private ReadOnlySpan<Assignment> EligibleOf(int h) => _eligible.AsSpan(_holders[h].Eligible, _holders[h + 1].Eligible - _holders[h].Eligible);
    private ReadOnlySpan<Activation> ActivationsOf(int h) => _activations.AsSpan(_holders[h].Activations, _holders[h + 1].Activations - _holders[h].Activations);
    private ReadOnlySpan<Link> LinksOf(int h) => _links.AsSpan(_holders[h].Links, _holders[h + 1].Links - _holders[h].Links);
    private ReadOnlySpan<Ended> EndedOf(int h) => _ended.AsSpan(_holders[h].Ended, _holders[h + 1].Ended - _holders[h].Ended);

    public IReadOnlyList<Grant> FindGrants(string principalId, IReadOnlyCollection<string>? roleIds, string? scope, DateTimeOffset now)
    {
        if (!_numbers.TryGetValue(principalId, out var h) || !_holders[h].Enabled) return [];
        var at = Ancestors(scope);
        var t = Ticks(now);
        // One role asked about (an evaluation): compared as a string, not through the collection's Contains for every row.
        var only = roleIds is string[] { Length: 1 } asked ? asked[0] : null;
        Grant? one = null;
        List<Grant>? several = null;
        foreach (ref readonly var row in ActiveOf(h))
            if (Wanted(row.RoleId, row.Scope, row.StartsAt, row.EndsAt, roleIds, only, scope, at, t))
                Add(ref one, ref several, new Grant(row.RoleId, row.Scope, Time(row.EndsAt), row.AssignmentId, null, principalId));
        foreach (ref readonly var link in LinksOf(h))
            if (link.Group >= 0 && link.InForceAt(t))
                foreach (ref readonly var row in ActiveOf(link.Group))
                    if (Wanted(row.RoleId, row.Scope, row.StartsAt, row.EndsAt, roleIds, only, scope, at, t))
                        Add(ref one, ref several, new Grant(row.RoleId, row.Scope, Time(Math.Min(row.EndsAt, link.Until)), row.AssignmentId, null, link.GroupId));
        foreach (ref readonly var row in ActivationsOf(h))
            if (row.CountsAt(t) && Wanted(row.RoleId, row.Scope, row.StartsAt, row.EndsAt, roleIds, only, scope, at, t))
                Add(ref one, ref several, new Grant(row.RoleId, row.Scope, Time(row.EndsAt), row.AssignmentId, row.RequestId, principalId));
        if (several is not null) return several;
        return one is null ? [] : [one];
    }

    /// <summary>An evaluation's answer holds one grant, nearly always: it is answered alone, and a list made for a second.</summary>
    private static void Add(ref Grant? one, ref List<Grant>? several, Grant grant)
    {
        if (several is not null) several.Add(grant);
        else if (one is null) one = grant;
        else several = [one, grant];
    }

    public AccessStanding Standing(string principalId, string roleId, string scope, DateTimeOffset now)
    {
        var at = Ancestors(scope);
        var scopeKnown = scope == ScopePath.Root || _ancestors.ContainsKey(scope);
        if (!_numbers.TryGetValue(principalId, out var holder)) return new AccessStanding(true, scopeKnown, null, true, false, false);
        var t = Ticks(now);
        bool eligible = false, expired = false;
        foreach (var h in HolderAndGroups(holder, t))
        {
            foreach (ref readonly var row in EligibleOf(h))
                if (row.RoleId == roleId && At(row.Scope, scope, at))
                {
                    if (row.StartsAt <= t && row.EndsAt > t) eligible = true;
                    if (row.EndsAt <= t) expired = true;
                }
            foreach (ref readonly var row in ActiveOf(h))
                if (row.RoleId == roleId && At(row.Scope, scope, at) && row.EndsAt <= t) expired = true;
            foreach (ref readonly var ended in EndedOf(h))
                if (ended.RoleId == roleId && At(ended.Scope, scope, at) && (!ended.Activation || h == holder)) expired = true;
        }
        foreach (ref readonly var row in ActivationsOf(holder))
            if (row.RoleId == roleId && At(row.Scope, scope, at) && row.EndsAt <= t) expired = true;
        return new AccessStanding(true, scopeKnown, _holders[holder].Kind, _holders[holder].Enabled, eligible, expired);
    }

    /// <summary>
    /// The rows the rules read for one principal at a scope, each as a line, in a stable order: the principal, its
    /// memberships, its rows and its groups' (a group's own activations are never read), and the scope's ancestors. The
    /// parity test compares what the store path loads for one principal with what the index loads for the whole tenant.
    /// </summary>
    public IReadOnlyList<string> RowsOf(string principalId, string? scope)
    {
        var lines = new List<string>();
        if (scope is not null) lines.AddRange(_ancestors.GetValueOrDefault(scope)?.Select(a => $"scope {scope} in {a}") ?? []);
        if (!_numbers.TryGetValue(principalId, out var holder)) return [.. lines.Order(StringComparer.Ordinal)];
        void Add(string id, int h, bool own)
        {
            lines.Add($"{id} {_holders[h].Kind} enabled={_holders[h].Enabled}");
            foreach (var r in ActiveOf(h)) lines.Add($"{id} active {Describe(r)}");
            foreach (var r in EligibleOf(h)) lines.Add($"{id} eligible {Describe(r)}");
            if (own)
                foreach (var r in ActivationsOf(h))
                    lines.Add($"{id} activation {r.RoleId} {r.Scope} {Time(r.StartsAt):O} {Time(r.EndsAt):O} {r.AssignmentId} {r.RequestId} counts={r.Counts} basis={Time(r.BasisUntil):O}");
            foreach (var e in EndedOf(h))
                if (own || !e.Activation) lines.Add($"{id} ended {e}");
        }
        Add(principalId, holder, own: true);
        foreach (var m in LinksOf(holder)) lines.Add($"{principalId} member {m.GroupId} {Time(m.From):O} {Time(m.Until):O}");
        var links = LinksOf(holder);
        var groups = new HashSet<int>();
        foreach (var m in links)
            if (m.Group >= 0 && m.Group != holder && groups.Add(m.Group)) Add(_ids[m.Group], m.Group, own: false);
        lines.Sort(StringComparer.Ordinal);
        return lines;

        static string Describe(Assignment r) => $"{r.RoleId} {r.Scope} {Time(r.StartsAt):O} {Time(r.EndsAt):O} {r.AssignmentId}";
    }

    /// <summary>The holder, then each group it is a member of at <paramref name="now"/>, once.</summary>
    private List<int> HolderAndGroups(int holder, long now)
    {
        var them = new List<int>(4) { holder };
        foreach (ref readonly var link in LinksOf(holder))
            if (link.InForceAt(now) && link.Group >= 0 && !them.Contains(link.Group)) them.Add(link.Group);
        return them;
    }

    /// <summary>The scopes whose grants count at <paramref name="scope"/>: null for any; the root alone; else its closure (none if unknown).</summary>
    private string[]? Ancestors(string? scope) =>
        scope is null || scope == ScopePath.Root ? null : _ancestors.GetValueOrDefault(scope) ?? [];

    private static bool At(string rowScope, string? scope, string[]? at) =>
        scope is null || (at is null ? rowScope == ScopePath.Root : Array.IndexOf(at, rowScope) >= 0);

    private static bool Wanted(string roleId, string rowScope, long startsAt, long endsAt, IReadOnlyCollection<string>? roleIds, string? only,
        string? scope, string[]? at, long now) =>
        startsAt <= now && endsAt > now && (roleIds is null || (only is not null ? roleId == only : roleIds.Contains(roleId))) && At(rowScope, scope, at);

    /// <summary>
    /// Builds a <see cref="TenantGrants"/> from the loader's rows, in any order: the principals first, then what each holds
    /// (rows of a principal the tenant does not have are dropped, as they cannot be asked about). Role ids, scopes and group
    /// ids are kept once each.
    /// </summary>
    public sealed class Builder
    {
        private readonly Dictionary<string, int> _numbers = new(StringComparer.Ordinal);
        private readonly List<string> _ids = [];
        private readonly List<(PrincipalKind Kind, bool Enabled)> _principals = [];
        private readonly List<(int Holder, Assignment Row)> _active = [], _eligible = [];
        private readonly List<(int Holder, Activation Row)> _activations = [];
        private readonly List<(int Holder, Link Row)> _links = [];
        private readonly List<(int Holder, Ended Row)> _ended = [];
        private readonly Dictionary<string, List<string>> _ancestors = new(StringComparer.Ordinal);
        /// <summary>Role ids and scopes kept once each: a built-in role's id and the root scope as the process's one instance
        /// (<see cref="Seed"/>), so that an evaluation asking about them compares references, not characters among a
        /// million rows (issue 27).</summary>
        private readonly Dictionary<string, string> _pool = new(Seed, StringComparer.Ordinal);

        private static readonly Dictionary<string, string> Seed =
            RoleCatalog.All.Select(r => r.Id).Append(ScopePath.Root).ToDictionary(id => id, id => id, StringComparer.Ordinal);
        private int _entries;

        private string Shared(string text) => _pool.TryGetValue(text, out var shared) ? shared : _pool[text] = text;

        public void AddPrincipal(string principalId, PrincipalKind kind, bool enabled)
        {
            _entries++;
            if (_numbers.TryGetValue(principalId, out var known))
            {
                _principals[known] = (kind, enabled);
                return;
            }
            _numbers[principalId] = _ids.Count;
            _ids.Add(principalId);
            _principals.Add((kind, enabled));
        }

        public void AddMembership(string memberId, string groupId, DateTimeOffset? from, DateTimeOffset? until)
        {
            _entries++;
            if (!_numbers.TryGetValue(memberId, out var h)) return;
            var group = _numbers.TryGetValue(groupId, out var g) ? g : -1;
            _links.Add((h, new Link(group >= 0 ? _ids[group] : groupId, group, Ticks(from, Always), Ticks(until, Never))));
        }

        public void AddAssignment(string principalId, string roleId, string scope, DateTimeOffset startsAt, DateTimeOffset? endsAt, string assignmentId,
            bool eligible)
        {
            _entries++;
            if (!_numbers.TryGetValue(principalId, out var h)) return;
            (eligible ? _eligible : _active).Add((h, new Assignment(Shared(roleId), Shared(scope), Ticks(startsAt), Ticks(endsAt, Never), assignmentId)));
        }

        public void AddActivation(string principalId, string roleId, string scope, DateTimeOffset startsAt, DateTimeOffset? endsAt, string assignmentId,
            string? requestId, bool counts, DateTimeOffset? basisUntil)
        {
            _entries++;
            if (!_numbers.TryGetValue(principalId, out var h)) return;
            _activations.Add((h, new Activation(Shared(roleId), Shared(scope), Ticks(startsAt), Ticks(endsAt, Never), assignmentId, requestId,
                Ticks(basisUntil, Never), counts)));
        }

        public void AddEnded(string principalId, string roleId, string scope, bool activation)
        {
            _entries++;
            if (_numbers.TryGetValue(principalId, out var h)) _ended.Add((h, new Ended(Shared(roleId), Shared(scope), activation)));
        }

        public void AddAncestor(string scope, string ancestorScope)
        {
            _entries++;
            (_ancestors.TryGetValue(scope, out var list) ? list : _ancestors[scope] = []).Add(Shared(ancestorScope));
        }

        public TenantGrants Build()
        {
            var n = _ids.Count;
            // Each kind's rows grouped by holder, in the order they came (a stable counting sort), and where each holder's start.
            static T[] Group<T>(List<(int Holder, T Row)> rows, int n, out int[] starts)
            {
                starts = new int[n + 1];
                foreach (var (h, _) in rows) starts[h + 1]++;
                for (var i = 0; i < n; i++) starts[i + 1] += starts[i];
                var next = (int[])starts.Clone();
                var grouped = new T[rows.Count];
                foreach (var (h, row) in rows) grouped[next[h]++] = row;
                return grouped;
            }
            var active = Group(_active, n, out var activeAt);
            var eligible = Group(_eligible, n, out var eligibleAt);
            var activations = Group(_activations, n, out var activationsAt);
            var links = Group(_links, n, out var linksAt);
            var ended = Group(_ended, n, out var endedAt);
            var holders = new Holder[n + 1];
            for (var h = 0; h <= n; h++)
                holders[h] = new Holder(h < n ? _principals[h].Kind : default, h < n && _principals[h].Enabled,
                    activeAt[h], eligibleAt[h], activationsAt[h], linksAt[h], endedAt[h]);
            return new TenantGrants(_numbers, [.. _ids], holders, active, eligible, activations, links, ended,
                _ancestors.ToDictionary(x => x.Key, x => x.Value.ToArray(), StringComparer.Ordinal), _entries);
        }
    }
}
