/** An error the way Mollie's API renders it (`application/hal+json`), read by the SDK's ApiError. */
export class MollieApiProblem extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string,
    readonly field?: string,
  ) {
    super(detail);
  }

  body(): Record<string, unknown> {
    return {
      status: this.status,
      title: this.title,
      detail: this.detail,
      ...(this.field && { field: this.field }),
      _links: {
        documentation: { href: 'https://docs.mollie.com/overview/handling-errors', type: 'text/html' },
      },
    };
  }
}

export const unprocessable = (detail: string, field?: string): MollieApiProblem =>
  new MollieApiProblem(422, 'Unprocessable Entity', detail, field);

export const notFound = (detail: string): MollieApiProblem => new MollieApiProblem(404, 'Not Found', detail);
