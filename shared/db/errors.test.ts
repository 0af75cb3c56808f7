import { describe, expect, it } from "vitest";
import { AppError, DatabaseUnavailableError } from "../errors/index.ts";
import { isWriteConflict } from "./client.ts";
import { isThrown, translateDatabaseError } from "./errors.ts";

describe("translateDatabaseError", () => {
  it("turns a unique-index violation into `duplicate` naming the protected field", () => {
    const error = translateDatabaseError(
      new Error("Database index `contact_email` already contains 'a@b.co', with record `contact:x`"),
    );
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe("duplicate");
    expect((error as AppError).details).toEqual([{ field: "email", message: "is already in use" }]);
  });

  it("leaves an unknown index alone (no field is guessed)", () => {
    const original = new Error("Database index `other_index` already contains 'x'");
    expect(translateDatabaseError(original)).toBe(original);
  });

  it("turns the SDK's connection errors into database_unavailable", () => {
    class ConnectionUnavailableError extends Error {
      override name = "ConnectionUnavailableError";
    }
    expect(translateDatabaseError(new ConnectionUnavailableError("gone"))).toBeInstanceOf(
      DatabaseUnavailableError,
    );
  });

  it("wraps throwables that are not Errors, so the app's error handler still sees them", () => {
    const weird = { name: "CborNumberError", toString: () => "Number too big to be encoded" };
    const error = translateDatabaseError(weird);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toContain("CborNumberError");
  });
});

describe("isThrown / isWriteConflict", () => {
  it("recognise THROW markers and 3.0-style conflict messages", () => {
    const thrown = Object.assign(new Error("An error occurred: company_not_found"), { kind: "Thrown" });
    expect(isThrown(thrown, "company_not_found")).toBe(true);
    expect(isThrown(new Error("An error occurred: company_not_found"), "company_not_found")).toBe(false);
    expect(isWriteConflict(new Error("Transaction conflict: Write conflict, retry the transaction"))).toBe(
      true,
    );
    expect(isWriteConflict(new Error("Found 'x' for field `email`"))).toBe(false);
  });
});
