"""Our vocabulary ↔ the reseller's (R4). A missing row is a MappingError that names it."""

from ticketshop.catalogue import models as cat
from ticketshop.resellers.models import Mapping

K = Mapping.Kind
MODELS = {
    K.EVENT: cat.Product,
    K.TARIFF: cat.Tariff,
    K.SEAT_CATEGORY: cat.SeatCategory,
    K.BLOCK: cat.Block,
    K.CONFIGURATION: cat.LogicalConfiguration,
}


class MappingError(Exception):
    pass


def describe(kind, object_id):
    if object_id is None:
        return "(unnumbered places)"
    obj = MODELS[kind].objects.filter(pk=object_id).first()
    if obj is None:
        return f"#{object_id} (deleted)"
    return f"{getattr(obj, 'code', obj.pk)} ({obj})"


class Mapper:
    """The mappings of one interface, read once per run."""

    def __init__(self, interface):
        self.interface = interface
        self.rows = list(interface.mappings.all())

    def _rows(self, kind, season_id):
        rows = [r for r in self.rows if r.kind == kind]
        exact = [r for r in rows if r.season_id == season_id]
        return exact + [r for r in rows if r.season_id is None]

    def external(self, kind, object_id, season):
        """The reseller's (first) id of our object, or MappingError naming the missing row."""
        for row in self._rows(kind, season.pk if season else None):
            if row.object_id == object_id:
                return row.external_ids()[0]
        raise MappingError(
            f"Missing mapping: {K(kind).label}, season {season.code if season else '-'}, "
            f"{describe(kind, object_id)} has no external id for {self.interface.code}."
        )

    def all_external(self, kind, object_id, season):
        """Every alternative id of our object (`0|44` → ["0", "44"]), or []."""
        for row in self._rows(kind, season.pk if season else None):
            if row.object_id == object_id:
                return row.external_ids()
        return []

    def has(self, kind, object_id, season):
        try:
            self.external(kind, object_id, season)
        except MappingError:
            return False
        return True

    def matches(self, kind, object_id, season, external_id):
        return any(
            row.object_id == object_id and str(external_id) in row.external_ids()
            for row in self._rows(kind, season.pk if season else None)
        )

    def ours(self, kind, external_id, season):
        """Our object id for the reseller's id (`|` alternatives), or MappingError."""
        for row in self._rows(kind, season.pk if season else None):
            if str(external_id) in row.external_ids():
                return row.object_id
        raise MappingError(
            f"Missing mapping: {K(kind).label}, season {season.code if season else '-'}: "
            f"no object of ours for the reseller's id “{external_id}” ({self.interface.code})."
        )
