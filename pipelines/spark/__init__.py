"""`standpunt spark-predict`: the same predict on Apache Spark.

Nothing outside this package imports pyspark (an optional extra:
`pip install 'standpunt[spark]'`), so `standpunt predict` starts as fast as
before. listing.py names the letters (the driver), executor.py reads,
segments and classifies them (the executors), store.py keeps the Parquet
output folder resumable, job.py runs the batches, predict.py is the entry
point that ties them to run.json."""
