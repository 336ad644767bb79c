// Drives the VS Code workbench through its own DOM, the way VS Code's smoke tests do
// (test/automation: quickinput.ts, quickaccess.ts, scm.ts): every step waits for what it needs
// to see, never for a fixed time.
import type { Locator, Page } from "playwright-core";

const TIMEOUT_MS = 30_000;
const QUICK_INPUT = ".quick-input-widget";

export async function waitForWorkbench(page: Page, timeout = TIMEOUT_MS): Promise<void> {
  await page.locator(".monaco-workbench").waitFor({ state: "visible", timeout });
  // The activity bar appears once the workbench has restored its parts, so it takes input.
  await page.locator(".part.activitybar").waitFor({ state: "visible", timeout });
}

// ---- quick input ----------------------------------------------------------------------------

export function quickInput(page: Page): Locator {
  return page.locator(QUICK_INPUT);
}

export async function waitForQuickInput(page: Page): Promise<Locator> {
  const widget = quickInput(page);
  await widget.waitFor({ state: "visible", timeout: TIMEOUT_MS });
  return widget;
}

export async function waitForQuickInputClosed(page: Page): Promise<void> {
  await quickInput(page).waitFor({ state: "hidden", timeout: TIMEOUT_MS });
}

/** Replaces the quick input's text (fill fires the input event the widget filters on). */
export async function typeInQuickInput(page: Page, text: string): Promise<void> {
  const input = (await waitForQuickInput(page)).locator(".quick-input-box input");
  await input.fill(text);
}

/** The rows the quick pick shows now (their labels). */
export async function quickPickLabels(page: Page): Promise<string[]> {
  const rows = (await waitForQuickInput(page)).locator(".quick-input-list .monaco-list-row .label-name");
  return rows.allTextContents();
}

/** Waits for a quick pick row whose label is exactly `label` and clicks it. */
export async function pickQuickPickItem(page: Page, label: string): Promise<void> {
  const row = (await waitForQuickInput(page))
    .locator(".quick-input-list .monaco-list-row")
    .filter({ has: page.locator(".label-name").getByText(label, { exact: true }) });
  await row.first().click();
}

/**
 * Types an answer into an input box step and accepts it with Enter, once the step whose prompt
 * matches is shown: a wizard's steps reuse one widget, so an answer typed before its step appears
 * lands in the step that is closing (a quick pick filtered by the name, then Enter on nothing).
 */
export async function answerQuickInput(page: Page, text: string, prompt: RegExp | string): Promise<void> {
  await quickInput(page).locator(".quick-input-message").filter({ hasText: prompt }).waitFor({ timeout: TIMEOUT_MS });
  await typeInQuickInput(page, text);
  await page.keyboard.press("Enter");
}

/**
 * Waits until the message under the input (a validation sentence, e.g. a rejected VM name) matches
 * `expected` and returns it: the step's prompt sits there until validation replaces it, so reading
 * the first non-empty text would race the validation.
 */
export async function waitForQuickInputMessage(page: Page, expected: RegExp): Promise<string> {
  const message = (await waitForQuickInput(page)).locator(".quick-input-message");
  await message.filter({ hasText: expected }).waitFor({ timeout: TIMEOUT_MS });
  return (await message.textContent()) ?? "";
}

// ---- commands -------------------------------------------------------------------------------

/**
 * Runs a command from the palette by its id, as VS Code's quickaccess.ts does: the palette lists
 * a command whose id equals the typed text, so we wait for exactly one row and accept it.
 * A title (e.g. "nixlima: Create VM…") works the same way when the id is unknown.
 */
export async function runCommand(page: Page, idOrTitle: string): Promise<void> {
  await page.keyboard.press("F1");
  await waitForQuickInput(page);
  await typeInQuickInput(page, `>${idOrTitle}`);
  const rows = quickInput(page).locator(".quick-input-list .monaco-list-row");
  const wanted = idOrTitle.includes(".") && !idOrTitle.includes(" ")
    ? rows.first()
    : rows.filter({ has: page.locator(".label-name").getByText(idOrTitle, { exact: true }) }).first();
  await wanted.waitFor({ state: "visible", timeout: TIMEOUT_MS });
  await wanted.click();
}

// ---- views and trees ------------------------------------------------------------------------

/** Opens a view container from its activity-bar entry (title as in package.json, e.g. "nixlima"). */
export async function openViewContainer(page: Page, title: string, containerId: string): Promise<Locator> {
  const pane = viewContainer(page, containerId);
  if (await pane.isVisible()) return pane;
  const entry = page.locator(".part.activitybar .action-item a.action-label").and(page.locator(`[aria-label^="${title}"]`));
  await entry.first().click();
  await pane.waitFor({ state: "visible", timeout: TIMEOUT_MS });
  return pane;
}

/** A view container's pane, e.g. `nixlima` → `#workbench.view.extension.nixlima`; built-ins pass their full id. */
export function viewContainer(page: Page, containerId: string): Locator {
  const id = containerId.startsWith("workbench.") ? containerId : `workbench.view.extension.${containerId}`;
  return page.locator(`[id="${id}"]`);
}

/** A tree row whose label is exactly `label`. */
export function treeRow(scope: Page | Locator, label: string): Locator {
  // The inner locator of `has` is matched inside each row, so it must not repeat the scope.
  const page = "page" in scope && typeof scope.page === "function" ? (scope as Locator).page() : (scope as Page);
  return scope
    .locator('.monaco-list-row[role="treeitem"]')
    .filter({ has: page.locator(".label-name").getByText(label, { exact: true }) });
}

export async function waitForTreeRow(scope: Page | Locator, label: string): Promise<Locator> {
  const row = treeRow(scope, label);
  await row.waitFor({ state: "visible", timeout: TIMEOUT_MS });
  return row;
}

export async function rowDescription(row: Locator): Promise<string> {
  return (await row.locator(".label-description").textContent()) ?? "";
}

/** Waits until the row's description matches (e.g. /^Stopped/), returning the text seen. */
export async function waitForRowDescription(row: Locator, expected: RegExp, timeout = TIMEOUT_MS): Promise<string> {
  await row.locator(".label-description").filter({ hasText: expected }).waitFor({ timeout });
  return rowDescription(row);
}

/** The codicon class of the row's icon, e.g. "codicon-vm-running" (ThemeIcon id). */
export async function rowIcon(row: Locator): Promise<string | undefined> {
  const classes = (await row.locator(".custom-view-tree-node-item-icon").getAttribute("class")) ?? "";
  return classes.split(/\s+/).find((c) => c.startsWith("codicon-") && c !== "codicon-");
}

/**
 * The items of the row's context menu, in order (labels as shown, separators left out);
 * `whileOpen` runs before the menu closes (e.g. a screenshot of it).
 */
export async function contextMenuItems(page: Page, row: Locator, whileOpen?: () => Promise<unknown>): Promise<string[]> {
  const menu = await openContextMenu(page, row);
  await whileOpen?.();
  const labels = await menu.locator(".action-item:not(.disabled) .action-label:not(.separator)").allTextContents();
  await page.keyboard.press("Escape");
  await menu.waitFor({ state: "hidden", timeout: TIMEOUT_MS });
  return labels.map((l) => l.trim()).filter((l) => l !== "");
}

/** Right-clicks the row and clicks the context-menu item labelled exactly `item`. */
export async function clickContextMenuItem(page: Page, row: Locator, item: string): Promise<void> {
  const menu = await openContextMenu(page, row);
  // VS Code's menus focus an item on hover and run the focused item on Enter; a synthetic click
  // can land while the menu is still settling and be ignored.
  await menu.locator(".action-item .action-label").getByText(item, { exact: true }).hover();
  await menu.locator(".action-item.focused .action-label").getByText(item, { exact: true }).waitFor({ timeout: TIMEOUT_MS });
  await page.keyboard.press("Enter");
  await menu.waitFor({ state: "hidden", timeout: TIMEOUT_MS });
}

async function openContextMenu(page: Page, row: Locator): Promise<Locator> {
  // The menu lives in a shadow root under .context-view; Playwright's CSS pierces open shadow roots.
  const menu = page.locator(".context-view .monaco-menu");
  // A right-click that lands while the tree re-renders the row (its "Running · 1 min" ticking)
  // opens nothing; a person clicks again, and so does this, a few times.
  for (let attempt = 1; ; attempt++) {
    await dismissHovers(page);
    await row.click({ button: "right" });
    try {
      await menu.waitFor({ state: "visible", timeout: attempt < 3 ? 5_000 : TIMEOUT_MS });
      return menu;
    } catch (err) {
      if (attempt >= 3) throw err;
    }
  }
}

/**
 * A row's tooltip (a hover in a .context-view) can cover the row below it and take the click
 * meant for it, when the mouse rested on a row long enough: move the mouse off and let it go.
 */
export async function dismissHovers(page: Page): Promise<void> {
  await page.mouse.move(0, 0);
  await page.locator(".context-view .monaco-hover").waitFor({ state: "hidden", timeout: TIMEOUT_MS });
}

// ---- notifications --------------------------------------------------------------------------

/** Waits for a notification toast whose message matches, and returns it (for its buttons). */
export async function waitForNotification(page: Page, message: RegExp | string, timeout = TIMEOUT_MS): Promise<Locator> {
  const toast = page.locator(".notifications-toasts .notification-toast").filter({
    has: page.locator(".notification-list-item-message", { hasText: message }),
  });
  await toast.first().waitFor({ state: "visible", timeout });
  return toast.first();
}

/** The messages of every notification toast on screen. */
export async function notificationMessages(page: Page): Promise<string[]> {
  return page.locator(".notifications-toasts .notification-list-item-message").allTextContents();
}

export async function clickNotificationButton(toast: Locator, label: string): Promise<void> {
  await toast.locator(".notification-list-item-buttons-container .monaco-button").getByText(label, { exact: true }).click();
}

// ---- dialogs --------------------------------------------------------------------------------

/** Waits for a modal dialog (e.g. a confirmation) whose text matches and clicks one of its buttons. */
export async function answerDialog(page: Page, message: RegExp | string, button: string): Promise<void> {
  const dialog = page.locator(".monaco-dialog-box").filter({ hasText: message });
  await dialog.waitFor({ state: "visible", timeout: TIMEOUT_MS });
  await dialog.locator(".dialog-buttons .monaco-button").getByText(button, { exact: true }).click();
  await dialog.waitFor({ state: "hidden", timeout: TIMEOUT_MS });
}

// ---- layout ---------------------------------------------------------------------------------

/**
 * Saves the side bar down to its last tree row at `path` (e.g. the nixlima view with a running VM
 * and its details), the size the README's media/explorer.png has.
 */
export async function saveSideBarScreenshot(page: Page, view: Locator, path: string): Promise<void> {
  await resizeSideBar(page, 460);
  // The Sandbox row says "checking…" until the VM's audit arrives; the picture is better without it.
  await treeRow(view, "Sandbox")
    .locator(".label-description")
    .filter({ hasNotText: /checking/ })
    .waitFor({ timeout: 60_000 })
    .catch(() => console.log("(the Sandbox row was still checking when the screenshot was taken)"));
  // Focus and pointer away from the tree, so no row shows its hover actions or focus outline.
  await page.locator(".part.editor").click();
  await page.mouse.move(900, 700);
  const sidebar = await page.locator(".part.sidebar").boundingBox();
  const lastRow = await page.locator('.part.sidebar .monaco-list-row[role="treeitem"]').last().boundingBox();
  if (!sidebar || !lastRow) throw new Error("The side bar shows no tree to take a picture of.");
  const height = Math.min(sidebar.height, lastRow.y + lastRow.height + 16 - sidebar.y);
  await page.screenshot({ path, clip: { ...sidebar, height } });
}

/** Drags the side bar's sash until the side bar is `width` px wide (e.g. for a readable screenshot). */
export async function resizeSideBar(page: Page, width: number): Promise<void> {
  const sidebar = page.locator(".part.sidebar");
  const box = await sidebar.boundingBox();
  if (!box) throw new Error("the side bar is not visible");
  const y = box.y + box.height / 2;
  await page.mouse.move(box.x + box.width, y);
  await page.mouse.down();
  await page.mouse.move(box.x + width, y, { steps: 5 });
  await page.mouse.up();
  // A string, evaluated in the page: this project's TypeScript has no DOM types.
  await page.waitForFunction(
    `Math.abs((document.querySelector(".part.sidebar")?.getBoundingClientRect().width ?? 0) - ${width}) <= 2`,
    undefined,
    { timeout: TIMEOUT_MS },
  );
}
