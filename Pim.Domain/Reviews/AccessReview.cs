namespace Pim.Domain;

/// <summary>Which assignments a review covers: eligible ones, active ones, or both.</summary>
public enum ReviewedAssignments { Eligible, Active, Both }

/// <summary>Who decides: each principal on its own assignments, the role's administrators, or named users and groups.</summary>
public enum ReviewerKind { Self, RoleAdministrators, Principals }

public enum AccessReviewDecision { Keep, Remove }

/// <summary>What an item nobody decided takes at the end: keep, remove, or its recommendation.</summary>
public enum AccessReviewDefault { Keep, Remove, Recommendation }

/// <summary>The reviewers of an access review: a kind, and for <see cref="ReviewerKind.Principals"/> the users and groups named.</summary>
public sealed record AccessReviewers(ReviewerKind Kind, IReadOnlyList<string> PrincipalIds)
{
    public const string SelfText = "self";
    public const string RoleAdministratorsText = "roleAdministrators";
    public static readonly IReadOnlyList<string> Keywords = [SelfText, RoleAdministratorsText];

    public static readonly AccessReviewers Self = new(ReviewerKind.Self, []);
    public static readonly AccessReviewers RoleAdministrators = new(ReviewerKind.RoleAdministrators, []);

    public static AccessReviewers Of(IEnumerable<string> principalIds) => new(ReviewerKind.Principals, principalIds.Distinct().ToList());
}

/// <summary>The words of an access review on the wire and in the store.</summary>
public static class AccessReviewDecisions
{
    public static readonly IReadOnlyList<string> Decisions = [.. Enum.GetValues<AccessReviewDecision>().Select(ToText)];
    public static readonly IReadOnlyList<string> Defaults = [.. Enum.GetValues<AccessReviewDefault>().Select(ToText)];
    public static readonly IReadOnlyList<string> Assignments = [.. Enum.GetValues<ReviewedAssignments>().Select(ToText)];

    public static string ToText(AccessReviewDecision decision) => decision.ToString().ToLowerInvariant();
    public static string ToText(AccessReviewDefault decision) => decision.ToString().ToLowerInvariant();
    public static string ToText(ReviewedAssignments types) => types.ToString().ToLowerInvariant();

    public static AccessReviewDecision? ParseDecision(string? text) => Parse<AccessReviewDecision>(text);
    public static AccessReviewDefault? ParseDefault(string? text) => Parse<AccessReviewDefault>(text);
    public static ReviewedAssignments? ParseAssignments(string? text) => Parse<ReviewedAssignments>(text);

    private static T? Parse<T>(string? text) where T : struct, Enum =>
        Enum.GetValues<T>().Select(v => (T?)v).FirstOrDefault(v => v!.Value.ToString().ToLowerInvariant() == text);
}

/// <summary>How often a review runs: once, or every so many days (a closed list, as Entra offers).</summary>
public static class AccessReviewRecurrences
{
    public const string Once = "once";
    public static readonly IReadOnlyList<TimeSpan> Periods = [TimeSpan.FromDays(7), TimeSpan.FromDays(30), TimeSpan.FromDays(90), TimeSpan.FromDays(180), TimeSpan.FromDays(365)];
    public static readonly IReadOnlyList<string> All = [Once, .. Periods.Select(IsoDuration.Format)];

    public static string ToText(TimeSpan? recurrence) => recurrence is { } r ? IsoDuration.Format(r) : Once;

    /// <summary>The recurrence a wire value names (null: once); false when it names none.</summary>
    public static bool TryParse(string? text, out TimeSpan? recurrence)
    {
        recurrence = null;
        if (text == Once) return true;
        if (!IsoDuration.TryParse(text, out var value) || !Periods.Contains(value) || IsoDuration.Format(value) != text) return false;
        recurrence = value;
        return true;
    }
}

public sealed record NewAccessReview(string DisplayName, string Scope, IReadOnlyList<string> RoleIds, ReviewedAssignments AssignmentTypes,
    AccessReviewers Reviewers, TimeSpan? Recurrence, TimeSpan Duration, AccessReviewDefault DefaultDecision, bool AutoApply, bool JustificationRequired);

/// <summary>
/// An access review (Entra's access reviews of privileged roles): which assignments it covers (roles, at a scope or below,
/// of which types), who reviews them, how often it runs and for how long, and what happens at the end. Its instances
/// start on schedule; each covers the assignments in scope when it starts.
/// </summary>
public sealed class AccessReview
{
    public const int MaximumPerTenant = 100;
    public const int MaximumReviewers = 50;
    public static readonly TimeSpan MinimumDuration = TimeSpan.FromDays(1);
    public static readonly TimeSpan MaximumDuration = TimeSpan.FromDays(180);
    public static readonly TimeSpan DefaultDuration = TimeSpan.FromDays(14);
    /// <summary>An assignment neither activated nor used for this long before an instance starts is recommended for removal.</summary>
    public static readonly TimeSpan RecommendationLookback = TimeSpan.FromDays(30);

    private AccessReview(string tenantId, string id, NewAccessReview definition, DateTimeOffset createdAt, string createdBy, DateTimeOffset? nextInstanceAt,
        int instanceCount)
    {
        TenantId = tenantId;
        Id = id;
        DisplayName = definition.DisplayName;
        Scope = definition.Scope;
        RoleIds = definition.RoleIds;
        AssignmentTypes = definition.AssignmentTypes;
        Reviewers = definition.Reviewers;
        Recurrence = definition.Recurrence;
        Duration = definition.Duration;
        DefaultDecision = definition.DefaultDecision;
        AutoApply = definition.AutoApply;
        JustificationRequired = definition.JustificationRequired;
        CreatedAt = createdAt;
        CreatedBy = createdBy;
        NextInstanceAt = nextInstanceAt;
        InstanceCount = instanceCount;
    }

    public string TenantId { get; }
    public string Id { get; }
    public string DisplayName { get; }
    public string Scope { get; }
    /// <summary>Empty: every role.</summary>
    public IReadOnlyList<string> RoleIds { get; }
    public ReviewedAssignments AssignmentTypes { get; }
    public AccessReviewers Reviewers { get; }
    /// <summary>Null: once.</summary>
    public TimeSpan? Recurrence { get; }
    public TimeSpan Duration { get; }
    public AccessReviewDefault DefaultDecision { get; }
    public bool AutoApply { get; }
    public bool JustificationRequired { get; }
    public DateTimeOffset CreatedAt { get; }
    public string CreatedBy { get; }
    /// <summary>When the next instance starts; null once a one-time review has run.</summary>
    public DateTimeOffset? NextInstanceAt { get; private set; }
    public int InstanceCount { get; private set; }

    /// <summary>A new review; its first instance starts at once (at the next sweep).</summary>
    public static AccessReview Create(string tenantId, NewAccessReview definition, DateTimeOffset now, string createdBy)
    {
        if (definition.Duration < MinimumDuration || definition.Duration > MaximumDuration)
            throw Errors.InvalidField("duration", $"duration must be between {IsoDuration.Format(MinimumDuration)} and {IsoDuration.Format(MaximumDuration)}.");
        if (definition.Recurrence is { } every && definition.Duration > every)
            throw Errors.InvalidField("duration", $"A review that recurs every {IsoDuration.Format(every)} lasts at most that long.");
        if (definition.Reviewers.Kind == ReviewerKind.Principals && definition.Reviewers.PrincipalIds.Count is 0 or > MaximumReviewers)
            throw Errors.InvalidField("reviewers", $"Name 1 to {MaximumReviewers} reviewers, or 'self' or 'roleAdministrators'.");
        return new AccessReview(tenantId, NewId.Next(), definition with { RoleIds = definition.RoleIds.Distinct().Order(StringComparer.Ordinal).ToList() },
            now, createdBy, now, 0);
    }

    public static AccessReview Rehydrate(string tenantId, string id, NewAccessReview definition, DateTimeOffset createdAt, string createdBy,
        DateTimeOffset? nextInstanceAt, int instanceCount) =>
        new(tenantId, id, definition, createdAt, createdBy, nextInstanceAt, instanceCount);

    /// <summary>Starts the next instance now; the one after starts a recurrence later (never, for a one-time review).</summary>
    public AccessReviewInstance StartInstance(DateTimeOffset now)
    {
        InstanceCount++;
        NextInstanceAt = Recurrence is { } every ? now + every : null;
        return AccessReviewInstance.Start(this, InstanceCount, now);
    }

    /// <summary>Whether the review covers the role (every role when it names none).</summary>
    public bool Covers(string roleId) => RoleIds.Count == 0 || RoleIds.Contains(roleId);
}
