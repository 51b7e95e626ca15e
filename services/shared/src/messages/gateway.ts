/** Swedish wording of the gateway messages: key (the English template) → Swedish, same placeholders. */
export const gateway: Record<string, string> = {};
