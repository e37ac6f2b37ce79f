using System.Globalization;
using FluentValidation;
using Pim.Api.Http;
using Pim.Api.Http.Values;
using Pim.Domain;

namespace Pim.Api.Features.Settings;

public sealed class RoleSettingsValidator : AbstractValidator<RoleSettingsDto>
{
    public RoleSettingsValidator()
    {
        RuleFor(s => s.Activation).NotNull();
        RuleFor(s => s.Assignment).NotNull();
        RuleFor(s => s.Notifications).NotNull();
        RuleFor(s => s.Notifications.OnActivation).NotNull().When(s => s.Notifications is not null);
        When(s => s.Activation is not null, () =>
        {
            RuleFor(s => s.Activation.MaximumDuration).NotBlank().MustBeDuration()
                .Must(d => Within(d, RoleSettings.MinimumActivationDuration, RoleSettings.MaximumActivationDuration))
                .WithMessage("'maximumDuration' must be between PT30M and PT72H.");
            RuleFor(s => s.Activation.MfaMaxAge).MustBeDuration();
            RuleFor(s => s.Activation.ApprovalTimeout).MustBeDuration().Must(ApprovalTimeout).WithMessage("'approvalTimeout' must be between PT5M and P7D.");
            RuleFor(s => s.Activation.Approval).SetValidator(new ApprovalSettingsValidator()!).When(s => s.Activation.Approval is not null);
            RuleFor(s => s.Activation.BreakGlass).SetValidator(new BreakGlassSettingsValidator()!).When(s => s.Activation.BreakGlass is not null);
        });
        When(s => s.Assignment is not null, () =>
        {
            RuleFor(s => s.Assignment.MaximumEligibleDuration).NotBlank().MustBeDuration();
            RuleFor(s => s.Assignment.MaximumActiveDuration).NotBlank().MustBeDuration();
        });
        When(s => s.Notifications?.OnActivation is not null, () =>
        {
            RuleFor(s => s.Notifications.OnActivation.AdditionalRecipients).NotNull();
            RuleForEach(s => s.Notifications.OnActivation.AdditionalRecipients).MustBeEmail();
        });
        When(s => s.Notifications?.OnApprovalNeeded is not null, () =>
            RuleFor(s => s.Notifications.OnApprovalNeeded!.RemindBefore).MustBeDuration()
                .Must(d => d is null || Within(d, ExpiryWarningRules.MinimumWarning, RoleSettings.MaximumApprovalTimeout))
                .WithMessage("'remindBefore' must be between PT5M and P7D."));
        When(s => s.Notifications?.BeforeExpiry is not null, () =>
        {
            RuleFor(s => s.Notifications.BeforeExpiry!.Activation).MustBeDuration()
                .Must(d => d is null || Within(d, ExpiryWarningRules.MinimumWarning, ExpiryWarningRules.MaximumActivationWarning))
                .WithMessage("'beforeExpiry.activation' must be between PT5M and PT24H.");
            RuleFor(s => s.Notifications.BeforeExpiry!.Assignment).MustBeDuration()
                .Must(d => d is null || Within(d, ExpiryWarningRules.MinimumWarning, ExpiryWarningRules.MaximumAssignmentWarning))
                .WithMessage("'beforeExpiry.assignment' must be between PT5M and P90D.");
        });
    }

    public static bool Within(Duration? duration, TimeSpan minimum, TimeSpan maximum) =>
        IsoDuration.TryParse(duration?.Text, out var v) && v >= minimum && v <= maximum;

    public static bool ApprovalTimeout(Duration? duration) =>
        duration is null || Within(duration, RoleSettings.MinimumApprovalTimeout, RoleSettings.MaximumApprovalTimeout);
}

public sealed class ApprovalSettingsValidator : AbstractValidator<ApprovalSettingsDto>
{
    public ApprovalSettingsValidator()
    {
        RuleFor(a => a.Stages).NotNull();
        RuleFor(a => a.Stages.Count).LessThanOrEqualTo(ApprovalStage.MaximumStages).When(a => a.Stages is not null)
            .WithMessage($"'stages' may hold at most {ApprovalStage.MaximumStages} stages.");
        RuleForEach(a => a.Stages).SetValidator(new ApprovalStageValidator());
        RuleFor(a => a.AutoApprove).Must(rules => rules!.Select(r => r.Name).Distinct(StringComparer.Ordinal).Count() == rules!.Count)
            .When(a => a.AutoApprove is not null).WithMessage("Auto-approval rules have distinct names.");
        RuleFor(a => a.AutoApprove).Must(rules => rules!.Count == 0).When(a => a.AutoApprove is not null && a.Stages is { Count: 0 })
            .WithMessage("Auto-approval rules skip approval stages: name at least one stage, or no rules.");
        RuleForEach(a => a.AutoApprove).SetValidator(new AutoApprovalRuleValidator());
    }
}

public sealed class ApprovalStageValidator : AbstractValidator<ApprovalStageDto>
{
    public ApprovalStageValidator()
    {
        RuleFor(s => s.Approvers).NotNull();
        RuleFor(s => s.Required).InclusiveBetween(1, ApprovalStage.MaximumRequired);
        RuleFor(s => s.Timeout).NotBlank().MustBeDuration().Must(t => RoleSettingsValidator.ApprovalTimeout(t)).WithMessage("'timeout' must be between PT5M and P7D.");
        RuleFor(s => s.EscalateAfter).MustBeDuration()
            .Must((s, after) => after is null || (IsoDuration.TryParse(after.Value.Text, out var a) && IsoDuration.TryParse(s.Timeout.Text, out var t) && a < t))
            .WithMessage("'escalateAfter' must be shorter than the stage's timeout.");
        RuleFor(s => s.EscalateTo).NotEmpty().When(s => s.EscalateAfter is not null).WithMessage("'escalateAfter' needs 'escalateTo': whom the stage escalates to.");
        RuleFor(s => s.EscalateAfter).NotNull().When(s => s.EscalateTo is { Count: > 0 }).WithMessage("'escalateTo' needs 'escalateAfter': when the stage escalates.");
    }
}

public sealed class AutoApprovalRuleValidator : AbstractValidator<AutoApprovalRuleDto>
{
    public AutoApprovalRuleValidator()
    {
        RuleFor(r => r.Name).NotEmpty();
        RuleFor(r => r.MaximumDuration).MustBeDuration();
        RuleFor(r => r.TicketNumberPattern).Must(p => p is null || AutoApprovalRule.PatternProblem(p) is null)
            .WithMessage((_, p) => AutoApprovalRule.PatternProblem(p!) ?? "");
        RuleFor(r => r).Must(r => r.MemberOf is { Count: > 0 } || r.MaximumDuration is not null || r.TicketSystems is { Count: > 0 }
                                  || r.TicketNumberPattern is not null || r.Window is not null)
            .WithName("autoApprove").WithMessage("An auto-approval rule names at least one condition (memberOf, maximumDuration, ticketSystems, ticketNumberPattern, window).");
        RuleFor(r => r.Window).SetValidator(new WeeklyWindowValidator()!).When(r => r.Window is not null);
    }
}

public sealed class WeeklyWindowValidator : AbstractValidator<WeeklyWindowDto>
{
    public WeeklyWindowValidator()
    {
        RuleFor(w => w.TimeZone).NotEmpty().Must(z => WeeklyWindow.FindZone(z) is not null)
            .WithMessage("'timeZone' must name a time zone this server knows, such as Europe/Berlin or America/New_York.");
        RuleFor(w => w.Days).NotEmpty();
        RuleForEach(w => w.Days).Must(d => WeeklyWindowDto.DayNames.Contains(d, StringComparer.Ordinal))
            .WithMessage($"Days are {string.Join(", ", WeeklyWindowDto.DayNames)}.");
        RuleFor(w => w.From).Must(Time).WithMessage("'from' must be a time HH:mm.");
        RuleFor(w => w.To).Must(Time).WithMessage("'to' must be a time HH:mm.");
        RuleFor(w => w).Must(w => !Time(w.From) || !Time(w.To) || Parse(w.From) < Parse(w.To)).WithName("window")
            .WithMessage("'from' must be before 'to' (a window does not span midnight: use two rules).");
    }

    private static bool Time(string? value) => value is not null && TimeOnly.TryParseExact(value, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out _);
    private static TimeOnly Parse(string value) => TimeOnly.ParseExact(value, "HH:mm", CultureInfo.InvariantCulture);
}

public sealed class BreakGlassSettingsValidator : AbstractValidator<BreakGlassSettingsDto>
{
    public BreakGlassSettingsValidator() =>
        RuleFor(b => b.MaximumDuration).NotBlank().MustBeDuration()
            .Must(d => RoleSettingsValidator.Within(d, BreakGlassRules.MinimumDuration, RoleSettings.MaximumActivationDuration))
            .WithMessage("'breakGlass.maximumDuration' must be between PT5M and PT72H.");
}
