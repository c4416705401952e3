"""Import rules of the project's own kind, for import-linter (see ``.importlinter``)."""

from grimp import ImportGraph
from importlinter.application import output
from importlinter.domain import fields
from importlinter.domain.contract import Contract, ContractCheck


class ViewsStayHomeContract(Contract):
    """A module named ``views``, at any depth, is imported only by modules of its own
    top-level package (its app) or by one of ``allowed_importers`` (the root URLconf).

    One rule for every app, present and future: a new app is covered the moment it
    has views, with nothing to add here."""

    type_name = "views_stay_home"

    allowed_importers = fields.ListField(subfield=fields.StringField(), required=False)

    def check(self, graph: ImportGraph, verbose: bool) -> ContractCheck:
        allowed: set[str] = set(self.allowed_importers or [])  # type: ignore[arg-type]
        broken: list[tuple[str, str]] = []
        for module in sorted(graph.modules):
            if module.rsplit(".", 1)[-1] != "views":
                continue
            app = module.split(".", 1)[0]
            for importer in sorted(graph.find_modules_that_directly_import(module)):
                if importer.split(".", 1)[0] != app and importer not in allowed:
                    broken.append((importer, module))
        return ContractCheck(kept=not broken, warnings=[], metadata={"broken": broken})

    def render_broken_contract(self, check: ContractCheck) -> None:
        for importer, imported in check.metadata["broken"]:
            output.print_error(f"{importer} imports {imported}, a view of another app", bold=False)
            output.new_line()
