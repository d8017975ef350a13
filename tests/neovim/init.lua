-- Drives `asenet server` from Neovim's built-in LSP client (0.7.2, Debian 12), headless:
-- open a device file, wait for its diagnostics, request a code action, apply it, save,
-- wait for the diagnostics to clear, hover. Every step writes a line to $ASENET_OUT, which
-- tests/it/consumers/neovim.rs reads; `error` lines say what went wrong.
--
-- Environment: ASENET_BIN (the binary), ASENET_FILE (the device file), ASENET_OUT.
local out = {}
local function log(...)
  table.insert(out, table.concat({ ... }, "\t"))
end
local function finish()
  vim.fn.writefile(out, vim.env.ASENET_OUT)
  vim.cmd("qa!")
end
local function fail(message)
  log("error", message)
  finish()
end

vim.cmd("edit " .. vim.fn.fnameescape(vim.env.ASENET_FILE))
local buf = vim.api.nvim_get_current_buf()
local client_id = vim.lsp.start_client({
  name = "asenet",
  cmd = { vim.env.ASENET_BIN, "server" },
  root_dir = vim.fn.fnamemodify(vim.env.ASENET_FILE, ":h"),
})
if not client_id then
  return fail("start_client failed")
end
vim.lsp.buf_attach_client(buf, client_id)

local function code_of(d)
  return d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code) or "?"
end

if not vim.wait(20000, function() return #vim.diagnostic.get(buf) > 0 end, 20) then
  return fail("no diagnostics")
end
local diagnostics = vim.diagnostic.get(buf)
for _, d in ipairs(diagnostics) do
  log("diagnostic", code_of(d), d.lnum, d.col)
end

local first = diagnostics[1]
local uri = vim.uri_from_bufnr(buf)
local position = { line = first.lnum, character = first.col }
local responses = vim.lsp.buf_request_sync(buf, "textDocument/codeAction", {
  textDocument = { uri = uri },
  range = { start = position, ["end"] = position },
  context = { diagnostics = {} },
}, 10000)
local chosen
for _, response in pairs(responses or {}) do
  for _, action in ipairs(response.result or {}) do
    log("action", action.kind or "", action.title)
    if not chosen and action.kind == "quickfix" and action.isPreferred then
      chosen = action
    end
  end
end
if not chosen then
  return fail("no preferred quick fix")
end
vim.lsp.util.apply_workspace_edit(chosen.edit, "utf-16")
vim.cmd("write")
log("applied", chosen.title)

if not vim.wait(20000, function() return #vim.diagnostic.get(buf) == 0 end, 20) then
  return fail("diagnostics left after the fix: " .. #vim.diagnostic.get(buf))
end
log("diagnostics-after", #vim.diagnostic.get(buf))

-- Hover on the port's address, on its own line.
local lines = vim.api.nvim_buf_get_lines(buf, 0, -1, false)
for number, line in ipairs(lines) do
  local column = line:find('"192.168.10.20/24"', 1, true)
  if column then
    local hovers = vim.lsp.buf_request_sync(buf, "textDocument/hover", {
      textDocument = { uri = uri },
      position = { line = number - 1, character = column + 2 },
    }, 10000)
    for _, response in pairs(hovers or {}) do
      local value = response.result and response.result.contents and response.result.contents.value or ""
      for hover_line in value:gmatch("[^\n]+") do
        log("hover", hover_line)
      end
    end
    break
  end
end
vim.lsp.stop_client(client_id)
finish()
