import { fireEvent, render, screen } from "@testing-library/svelte";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { catalogs } from "../../../test/fixtures";
import { api } from "../../api";
import { app } from "../../state.svelte";
import AssetList from "./AssetList.svelte";

vi.mock("../../api", async () => (await import("../../../test/mockApi")).apiMock());

beforeEach(() => {
  vi.clearAllMocks();
  app.catalogs = catalogs;
  app.error = null;
  vi.mocked(api.assetList).mockResolvedValue([]);
});

describe("AssetList", () => {
  it("offers the equipment kinds the core serves (no copy of the list in the UI)", async () => {
    render(AssetList);
    await fireEvent.click(await screen.findByTestId("asset-new"));
    const options = [...document.querySelectorAll("#asset-kinds option")].map((o) =>
      o.getAttribute("value"),
    );
    expect(options).toEqual(catalogs.asset_kinds);
    expect(options).toContain("Firewall");
    expect(screen.getByTestId("asset-kind")).toHaveValue(catalogs.asset_kinds[0]);
  });
});
