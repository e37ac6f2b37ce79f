using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Pim.Api.Console.Pages;

public sealed class SignedOutModel : PageModel
{
    public bool Failed { get; private set; }

    public void OnGet(bool failed = false) => Failed = failed;
}
